import { guildSettingsKey } from '../schedule/types.js';
import type { Store } from '../storage/store.js';

/**
 * The quiz's fields in the server's settings (the one settings key per server,
 * shared with the time zone): each part of the bot keeps its own fields and
 * leaves the others as they are.
 */
type QuizSettings = { roundConfidence?: boolean } & Record<string, unknown>;

/** Whether a round's "Locked in" reply asks how sure the person was; off unless a moderator turned it on. */
export async function getRoundConfidence(store: Store, guildId: string): Promise<boolean> {
  return (await store.get<QuizSettings>(guildSettingsKey(guildId)))?.roundConfidence === true;
}

export async function setRoundConfidence(store: Store, guildId: string, on: boolean): Promise<void> {
  await store.update<QuizSettings>(guildSettingsKey(guildId), (current) => ({ ...current, roundConfidence: on }));
}
