import type { Client } from 'discord.js';
import type { Context } from '../../context.js';
import type { BotEvent } from './types.js';

type Listener = (...args: unknown[]) => void;
interface Emitter {
  on(name: string, listener: Listener): unknown;
  once(name: string, listener: Listener): unknown;
  off(name: string, listener: Listener): unknown;
}

export interface WiredEvents {
  /**
   * Resolves when the first run of a `once` event's handler has finished, or
   * rejects with its error: start-up awaits the ready handler this way.
   */
  ran(name: BotEvent['name']): Promise<void>;
  /** Removes every listener it added. */
  remove(): void;
}

/**
 * Wires each event of the list to the client (or to client.rest) with a
 * context whose logger names the event. This is the one place that catches
 * what an event handler throws: it is logged with the event's name and never
 * rethrown into discord.js's emitter.
 */
export function registerEvents(client: Client, events: readonly BotEvent[], services: Context): WiredEvents {
  const added: Array<[Emitter, string, Listener]> = [];
  const onceRuns = new Map<string, Promise<void>>();

  for (const event of events) {
    const ctx: Context = { ...services, log: services.log.child({ event: event.name }) };
    // The registry's union cannot be matched to each event's own argument list here;
    // every definition was checked against discord.js's types where it was written.
    const execute = event.execute as (...args: unknown[]) => unknown;
    const run = async (args: unknown[]): Promise<void> => {
      try {
        await execute(...args, ctx);
      } catch (error) {
        ctx.log.error({ err: error }, 'event handler failed');
        throw error;
      }
    };
    const emitter = (event.emitter === 'rest' ? client.rest : client) as unknown as Emitter;
    let listener: Listener;
    if (event.once) {
      let resolve!: (run: Promise<void>) => void;
      const promise = new Promise<void>((r) => (resolve = r));
      promise.catch(() => undefined); // logged in run(); whoever awaits ran() still sees the error
      onceRuns.set(event.name, promise);
      listener = (...args) => resolve(run(args));
      emitter.once(event.name, listener);
    } else {
      listener = (...args) => void run(args).catch(() => undefined); // logged in run()
      emitter.on(event.name, listener);
    }
    added.push([emitter, event.name, listener]);
  }

  return {
    ran(name) {
      return onceRuns.get(name) ?? Promise.reject(new Error(`${name} is not a once event of this list`));
    },
    remove() {
      for (const [emitter, name, listener] of added.splice(0)) emitter.off(name, listener);
    },
  };
}
