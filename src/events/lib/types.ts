import type { ClientEvents, RestEvents } from 'discord.js';
import type { Context } from '../../context.js';

/**
 * A client event: its name and its handler, in one file. The handler takes
 * discord.js's own arguments for that name (ClientEvents), then the context,
 * so a handler written for the wrong event or with the wrong arguments does
 * not compile. A `once` handler runs for the first emit only.
 */
export interface ClientEventDefinition<K extends keyof ClientEvents> {
  readonly name: K;
  readonly once?: boolean;
  execute(...args: [...ClientEvents[K], Context]): unknown;
}

/** The same for an event of the REST manager (client.rest), typed from RestEvents. */
export interface RestEventDefinition<K extends keyof RestEvents> {
  readonly name: K;
  readonly once?: boolean;
  execute(...args: [...RestEvents[K], Context]): unknown;
}

export type ClientEvent<K extends keyof ClientEvents> = ClientEventDefinition<K> & { readonly emitter: 'client' };
export type RestEvent<K extends keyof RestEvents> = RestEventDefinition<K> & { readonly emitter: 'rest' };

/** Any one of them, as the registry lists them. */
export type BotEvent =
  | { [K in keyof ClientEvents]: ClientEvent<K> }[keyof ClientEvents]
  | { [K in keyof RestEvents]: RestEvent<K> }[keyof RestEvents];

/** Defines a client event; its name picks the handler's argument types. */
export const clientEvent = <K extends keyof ClientEvents>(event: ClientEventDefinition<K>): ClientEvent<K> => ({ ...event, emitter: 'client' });

/** Defines an event of the REST manager. */
export const restEvent = <K extends keyof RestEvents>(event: RestEventDefinition<K>): RestEvent<K> => ({ ...event, emitter: 'rest' });
