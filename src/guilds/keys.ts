import { articleChoiceKey } from '../articles/choice.js';
import { learningPrefix } from '../learning/state.js';
import { rotationKey } from '../prompts/rotation.js';
import { classStatsKey } from '../quiz/class-stats.js';
import { roundPicksIndexKey, roundPicksPrefix } from '../quiz/picks.js';
import { liveRoundPrefix, roundAnswerPrefix } from '../quiz/round-store.js';
import { channelSeenPrefix, practiceSeenPrefix } from '../quiz/select.js';
import { resetConfirmKey, tallyPrefix } from '../quiz/tallies.js';
import { guildSettingsKey, schedulesKey, SCHEDULES_PREFIX } from '../schedule/types.js';
import type { Store } from '../storage/store.js';

export interface GuildKeys {
  /** Every key starting with one of these belongs to the guild (each ends in ':' so guild 12 never matches 123). */
  readonly prefixes: readonly string[];
  /** Single keys of the guild. */
  readonly keys: readonly string[];
}

/**
 * Every key a server's data is kept under: what is deleted when the bot has
 * been gone from the server longer than DATA_RETENTION_DAYS. A feature that
 * stores something per server adds its key (or prefix) here, and writes its
 * data in tests/guild-leave-e2e.test.ts, which checks that no key naming the
 * server or one of its channels is left behind.
 *
 * Global keys (the command-sync hash, departure records) are not a server's
 * data. Per-channel data is keyed by server too (a channel id alone does not
 * say whose it is once the bot has left: discord.js empties the server's
 * channel cache before it reports the removal).
 */
export function guildDataKeys(guildId: string): GuildKeys {
  return {
    prefixes: [liveRoundPrefix(guildId), roundAnswerPrefix(guildId), tallyPrefix(guildId), practiceSeenPrefix(guildId), channelSeenPrefix(guildId), roundPicksPrefix(guildId), learningPrefix(guildId)],
    keys: [
      roundPicksIndexKey(guildId),
      resetConfirmKey(guildId),
      schedulesKey(guildId),
      guildSettingsKey(guildId),
      rotationKey(guildId),
      articleChoiceKey(guildId),
      // Holds no user data, so forgetting one person leaves it; a reset and this sweep delete it.
      classStatsKey(guildId),
    ],
  };
}

/** Deletes all of a server's data; resolves to how many keys were deleted. */
export async function deleteGuildData(store: Store, guildId: string): Promise<number> {
  const { prefixes, keys } = guildDataKeys(guildId);
  let deleted = 0;
  for (const prefix of prefixes) deleted += await store.deletePrefix(prefix);
  for (const key of keys) if (await store.delete(key)) deleted++;
  return deleted;
}

/**
 * Keys of which each server with settings has exactly one, named
 * `<prefix><guildId>`: cheap to list at start to find the servers the bot
 * keeps anything for (tallies alone are not listed: that would read them all).
 */
const ONE_PER_GUILD = [SCHEDULES_PREFIX, guildSettingsKey(''), rotationKey(''), roundPicksIndexKey(''), articleChoiceKey('')];

/** The servers that have schedules, settings, a prompt rotation, kept round picks or an article choice. */
export async function guildsWithSettings(store: Store): Promise<Set<string>> {
  const ids = new Set<string>();
  for (const prefix of ONE_PER_GUILD) {
    for (const [key] of await store.scan(prefix)) ids.add(key.slice(prefix.length));
  }
  return ids;
}
