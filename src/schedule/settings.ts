import type { Store } from '../storage/store.js';
import { guildSettingsKey } from './types.js';
import { canonicalTimeZone } from './zoned.js';

export const DEFAULT_TIME_ZONE = 'UTC';

/** Other parts of the bot may keep their own fields here; only timeZone is ours. */
type GuildSettings = { timeZone?: string } & Record<string, unknown>;

export type SetTimeZoneResult = { kind: 'set'; timeZone: string } | { kind: 'unknown-time-zone' };

/** Stores the guild's default time zone in its canonical spelling. */
export async function setGuildTimeZone(store: Store, guildId: string, timeZone: string): Promise<SetTimeZoneResult> {
  const canonical = canonicalTimeZone(timeZone);
  if (!canonical) return { kind: 'unknown-time-zone' };
  await store.update<GuildSettings>(guildSettingsKey(guildId), (current) => ({ ...current, timeZone: canonical }));
  return { kind: 'set', timeZone: canonical };
}

/** The guild's own time zone, else `fallback` (the bot's DEFAULT_TIMEZONE). */
export async function getGuildTimeZone(store: Store, guildId: string, fallback = DEFAULT_TIME_ZONE): Promise<string> {
  return (await store.get<GuildSettings>(guildSettingsKey(guildId)))?.timeZone ?? fallback;
}
