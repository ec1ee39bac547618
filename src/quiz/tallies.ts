import type { Category } from '../content/schema.js';
import type { Store } from '../storage.js';

export interface CategoryTally {
  answered: number;
  correct: number;
}

/** One user's quiz record in one guild. Times are epoch milliseconds (smaller than ISO strings; written per answer). */
export interface Tally {
  userId: string;
  userName: string;
  answered: number;
  correct: number;
  byCategory: Partial<Record<Category, CategoryTally>>;
  streak: number;
  bestStreak: number;
  lastAnsweredAt: number;
  lastCorrectAt?: number;
  firstAnsweredAt: number;
}

export interface AnswerEvent {
  guildId: string;
  userId: string;
  userName: string;
  category: Category;
  correct: boolean;
  /** Epoch milliseconds. */
  at: number;
}

// The trailing colon matters: without it a scan of guild "12" would also return guild "123".
const guildPrefix = (guildId: string) => `tally:${guildId}:`;
export const tallyKey = (guildId: string, userId: string) => `${guildPrefix(guildId)}${userId}`;

export function applyAnswer(previous: Tally | undefined, event: Omit<AnswerEvent, 'guildId'>): Tally {
  const { userId, userName, category, correct, at } = event;
  const t: Tally = previous
    ? { ...previous, byCategory: { ...previous.byCategory } }
    : { userId, userName, answered: 0, correct: 0, byCategory: {}, streak: 0, bestStreak: 0, lastAnsweredAt: at, firstAnsweredAt: at };
  const cat = t.byCategory[category] ?? { answered: 0, correct: 0 };
  const hit = correct ? 1 : 0;
  t.userName = userName;
  t.answered += 1;
  t.correct += hit;
  t.byCategory[category] = { answered: cat.answered + 1, correct: cat.correct + hit };
  t.streak = correct ? t.streak + 1 : 0;
  t.bestStreak = Math.max(t.bestStreak, t.streak);
  // Answers can reach the lock slightly out of order; keep the times monotonic.
  t.lastAnsweredAt = Math.max(t.lastAnsweredAt, at);
  t.firstAnsweredAt = Math.min(t.firstAnsweredAt, at);
  if (correct) t.lastCorrectAt = Math.max(t.lastCorrectAt ?? at, at);
  return t;
}

/** Counts one answer, exactly once, under the store's per-key lock. */
export async function recordAnswer(store: Store, event: AnswerEvent): Promise<Tally> {
  const next = await store.update<Tally>(tallyKey(event.guildId, event.userId), (current) => applyAnswer(current, event));
  return next!;
}

export function getTally(store: Store, guildId: string, userId: string): Promise<Tally | undefined> {
  return store.get<Tally>(tallyKey(guildId, userId));
}

/** Every tally in the guild, in user-id key order. */
export async function listTallies(store: Store, guildId: string): Promise<Tally[]> {
  return (await store.scan<Tally>(guildPrefix(guildId))).map(([, tally]) => tally);
}

/** Clears the guild's tallies; returns how many users were cleared. */
export function resetTallies(store: Store, guildId: string): Promise<number> {
  return store.deletePrefix(guildPrefix(guildId));
}
