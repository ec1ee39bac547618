import { createHash } from 'node:crypto';
import { Routes, type REST, type RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import type { Logger } from '../../logger.js';
import type { Store } from '../../storage/store.js';

export interface SyncTarget {
  applicationId: string;
  guildId?: string | undefined;
  /** The API the commands went to, so pointing the bot at another server registers them there. */
  api?: string | undefined;
}

/** A stable hash of the definitions and where they go; key order does not matter. */
export function commandsHash(definitions: readonly RESTPostAPIChatInputApplicationCommandsJSONBody[], target: SyncTarget): string {
  const canonical = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(canonical);
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value)
          .filter(([, v]) => v !== undefined)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([k, v]) => [k, canonical(v)]),
      );
    }
    return value;
  };
  return createHash('sha256').update(JSON.stringify(canonical({ definitions, target }))).digest('hex');
}

export async function registerCommands(rest: REST, definitions: readonly RESTPostAPIChatInputApplicationCommandsJSONBody[], target: SyncTarget): Promise<void> {
  const route = target.guildId ? Routes.applicationGuildCommands(target.applicationId, target.guildId) : Routes.applicationCommands(target.applicationId);
  await rest.put(route, { body: definitions });
}

const HASH_KEY = 'meta:commands-hash';

/**
 * Registers the commands only when they changed since the last sync, so that
 * restarts do not spend Discord's daily command-creation limit.
 */
export async function syncCommands(
  rest: REST,
  store: Store,
  definitions: readonly RESTPostAPIChatInputApplicationCommandsJSONBody[],
  target: SyncTarget,
  log: Logger,
): Promise<boolean> {
  const hash = commandsHash(definitions, target);
  if ((await store.get<string>(HASH_KEY)) === hash) {
    log.debug('commands unchanged; not registering');
    return false;
  }
  await registerCommands(rest, definitions, target);
  await store.set(HASH_KEY, hash);
  log.info({ count: definitions.length, scope: target.guildId ? `guild ${target.guildId}` : 'global' }, 'commands registered');
  return true;
}
