import type { Category } from '../content/schema.js';
import { resetLearning } from '../learning/record.js';
import type { Store } from '../storage/store.js';
import { resetClassStats } from './class-stats.js';
import type { Ranking, Standings } from './standings.js';

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
  /** Skills are shared by every article, so this record is server-wide. */
  byCategory: Partial<Record<Category, CategoryTally>>;
  /** Per article id. Optional in the type only: the data migration gives every older tally one. */
  byArticle?: Record<string, CategoryTally>;
  streak: number;
  bestStreak: number;
  lastAnsweredAt: number;
  lastCorrectAt?: number;
  firstAnsweredAt: number;
  /**
   * The last practice messages answered, kept in the tally itself so that
   * "count this answer" and "this message is answered" are one atomic write.
   */
  recentPractice?: string[];
  /**
   * The last round questions answered (`<round>:<question>`), for the same
   * reason: a round goes on after a restart, and a click counted just before
   * the restart must not count again.
   */
  recentRounds?: string[];
}

/** Enough to refuse a double click or a replayed click on any practice message still on screen. */
export const RECENT_PRACTICE = 50;
/** A round has at most 10 questions; two rounds' worth covers any click still answerable. */
export const RECENT_ROUNDS = 20;

export interface AnswerEvent {
  guildId: string;
  userId: string;
  userName: string;
  category: Category;
  /** The id of the article the question belongs to. */
  article: string;
  correct: boolean;
  /** Epoch milliseconds. */
  at: number;
}

// The trailing colon matters: without it a scan of guild "12" would also return guild "123".
export const tallyPrefix = (guildId: string) => `tally:${guildId}:`;
export const tallyKey = (guildId: string, userId: string) => `${tallyPrefix(guildId)}${userId}`;
/** The token of the guild's pending `/quiz-admin reset` confirmation. */
export const resetConfirmKey = (guildId: string) => `reset-confirmation:${guildId}`;

export function applyAnswer(previous: Tally | undefined, event: Omit<AnswerEvent, 'guildId'>): Tally {
  const { userId, userName, category, article, correct, at } = event;
  const t: Tally = previous
    ? { ...previous, byCategory: { ...previous.byCategory }, byArticle: { ...previous.byArticle } }
    : { userId, userName, answered: 0, correct: 0, byCategory: {}, byArticle: {}, streak: 0, bestStreak: 0, lastAnsweredAt: at, firstAnsweredAt: at };
  const cat = t.byCategory[category] ?? { answered: 0, correct: 0 };
  const hit = correct ? 1 : 0;
  const inArticle = t.byArticle![article] ?? { answered: 0, correct: 0 };
  t.byArticle![article] = { answered: inArticle.answered + 1, correct: inArticle.correct + hit };
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

/**
 * Where tallies live: the store, and the in-memory standings that mirror each
 * guild's tallies once listed. Every tally write takes both (recordAnswer,
 * recordAnswerOnce, forgetTally, resetTallies), which is what keeps the mirror true.
 */
export interface TallyBook {
  readonly store: Store;
  readonly standings: Standings;
}

/** Counts one answer, exactly once, under the store's per-key lock. */
export async function recordAnswer({ store, standings }: TallyBook, event: AnswerEvent): Promise<Tally> {
  const next = await store.update<Tally>(tallyKey(event.guildId, event.userId), (current) => applyAnswer(current, event));
  return standings.written(event.guildId, next!);
}

/**
 * Counts an answer once per practice message (or round question): one locked
 * write of the tally both counts it and marks it answered, so no failure can
 * leave one without the other (and a retry cannot count it twice).
 */
export async function recordAnswerOnce({ store, standings }: TallyBook, event: AnswerEvent, answerId: string, kind: 'practice' | 'round' = 'practice'): Promise<Tally | 'already-answered'> {
  let duplicate = false;
  const [field, keep] = kind === 'practice' ? (['recentPractice', RECENT_PRACTICE] as const) : (['recentRounds', RECENT_ROUNDS] as const);
  const next = await store.update<Tally>(tallyKey(event.guildId, event.userId), (current) => {
    duplicate = current?.[field]?.includes(answerId) === true;
    if (duplicate) return current;
    const tally = applyAnswer(current, event);
    tally[field] = [...(current?.[field] ?? []), answerId].slice(-keep);
    return tally;
  });
  return duplicate ? 'already-answered' : standings.written(event.guildId, next!);
}

export function getTally(store: Store, guildId: string, userId: string): Promise<Tally | undefined> {
  return store.get<Tally>(tallyKey(guildId, userId));
}

/**
 * Every tally in the guild, sorted by user id. Served from an in-memory copy
 * of the guild's tallies once it has been read (see Standings); the
 * tallies are frozen, as they are shared between callers.
 */
export async function listTallies({ store, standings }: TallyBook, guildId: string): Promise<Tally[]> {
  return standings.list(guildId, guildReader(store, guildId));
}

/** The guild's tallies in leaderboard order, from the same in-memory copy. */
export function rankTallies({ store, standings }: TallyBook, guildId: string): Promise<Ranking> {
  return standings.ranking(guildId, guildReader(store, guildId));
}

/**
 * Reads the guilds' tallies into the standings one guild at a time, so the
 * first leaderboard after a start does not wait for a 50,000-row read. Run in
 * the background after ready; stops early when told to (the bot is stopping).
 */
export async function warmStandings(book: TallyBook, guildIds: Iterable<string>, stopped: () => boolean): Promise<number> {
  let warmed = 0;
  for (const guildId of guildIds) {
    if (stopped()) break;
    if ((await rankTallies(book, guildId)).total > 0) warmed += 1;
  }
  return warmed;
}

const guildReader = (store: Store, guildId: string) => async () => {
  const prefix = tallyPrefix(guildId);
  const rows = (await store.scan<Tally>(prefix)).map(([key, tally]) => [key.slice(prefix.length), tally] as const);
  // scan promises no order; the copy keeps its user ids sorted (see lowerBound).
  return rows.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
};

/**
 * Deletes one user's tally in the guild (with its recent practice message ids)
 * and returns it as it was. The delete runs under the key's lock, so an answer
 * being recorded at the same moment lands either before it (and is removed) or
 * after it (and starts a new tally), never half-way.
 */
export async function forgetTally({ store, standings }: TallyBook, guildId: string, userId: string): Promise<Tally | undefined> {
  let removed: Tally | undefined;
  await store.update<Tally>(tallyKey(guildId, userId), (current) => {
    removed = current;
    return undefined;
  });
  standings.removed(guildId, userId);
  return removed;
}

/**
 * What `/quiz-admin reset` clears: the guild's tallies, everyone's learning
 * state (review lists, practice boxes, confidence ratings) and the class
 * figures per question and week, all built from the same answers. Returns how many users' tallies were cleared.
 */
export async function resetTallies({ store, standings }: TallyBook, guildId: string): Promise<number> {
  standings.forget(guildId);
  try {
    const cleared = await store.deletePrefix(tallyPrefix(guildId));
    await resetLearning(store, guildId);
    await resetClassStats(store, guildId);
    return cleared;
  } finally {
    standings.forget(guildId);
  }
}
