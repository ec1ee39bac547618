import type { Category } from '../content/schema.js';
import type { Store } from '../storage/store.js';

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
  /**
   * The last practice messages answered, kept in the tally itself so that
   * "count this answer" and "this message is answered" are one atomic write.
   */
  recentPractice?: string[];
}

/** Enough to refuse a double click or a replayed click on any practice message still on screen. */
export const RECENT_PRACTICE = 50;

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
  return standingsFor(store).written(event.guildId, next!);
}

/**
 * Counts a practice answer once per message: one locked write of the tally
 * both counts it and marks the message answered, so no failure can leave one
 * without the other (and a retry cannot count it twice).
 */
export async function recordAnswerOnce(store: Store, event: AnswerEvent, messageId: string): Promise<Tally | 'already-answered'> {
  let duplicate = false;
  const next = await store.update<Tally>(tallyKey(event.guildId, event.userId), (current) => {
    duplicate = current?.recentPractice?.includes(messageId) === true;
    if (duplicate) return current;
    const tally = applyAnswer(current, event);
    tally.recentPractice = [...(current?.recentPractice ?? []), messageId].slice(-RECENT_PRACTICE);
    return tally;
  });
  return duplicate ? 'already-answered' : standingsFor(store).written(event.guildId, next!);
}

export function getTally(store: Store, guildId: string, userId: string): Promise<Tally | undefined> {
  return store.get<Tally>(tallyKey(guildId, userId));
}

/**
 * Every tally in the guild, sorted by user id. Served from an in-memory copy
 * of the guild's tallies once it has been read (see GuildStandings); the
 * tallies are frozen, as they are shared between callers.
 */
export async function listTallies(store: Store, guildId: string): Promise<Tally[]> {
  const prefix = guildPrefix(guildId);
  return standingsFor(store).list(guildId, async () => {
    const rows = (await store.scan<Tally>(prefix)).map(([key, tally]) => [key.slice(prefix.length), tally] as const);
    // scan promises no order; the copy keeps its user ids sorted (see lowerBound).
    return rows.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  });
}

/** Clears the guild's tallies; returns how many users were cleared. */
export async function resetTallies(store: Store, guildId: string): Promise<number> {
  const standings = standingsFor(store);
  standings.forget(guildId);
  try {
    return await store.deletePrefix(guildPrefix(guildId));
  } finally {
    standings.forget(guildId);
  }
}

// ---- the in-memory copy behind listTallies ----

/** A guild's copy is dropped when no one has listed it for this long, */
const IDLE_MS = 15 * 60_000;
/** or, least recently listed first, when all copies together hold more tallies than this (about 640 bytes of heap each: 64 MB). */
const MAX_CACHED = 100_000;

type Loaded = { state: 'ready'; userIds: string[]; byUser: Map<string, Tally>; lastRead: number; /** The list sorted by user id, until the next write. */ list?: Tally[] };
type Loading = { state: 'loading'; promise: Promise<Tally[]>; journal: Tally[] };

const deepFreeze = (t: Tally): Tally => {
  for (const c of Object.values(t.byCategory)) Object.freeze(c);
  Object.freeze(t.byCategory);
  return Object.freeze(t);
};

/** Index of the first user id in `ids` (sorted by code unit, as listTallies sorts them) that is >= id. */
function lowerBound(ids: readonly string[], id: string): number {
  let lo = 0;
  let hi = ids.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ids[mid]! < id) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * /quiz leaderboard and the CSV export read every tally of a guild. Reading
 * and parsing 50,000 rows from SQLite takes 250-350 ms each time, so the first
 * read of a guild keeps the tallies in memory and every recorded answer updates
 * that copy after its write has committed. All tally writes go through this
 * module (recordAnswer, resetTallies), so the copy matches the store. Answers
 * recorded while the first read is running are replayed onto it; a reset drops
 * the copy, and a read that overlapped the reset is not kept.
 */
class GuildStandings {
  readonly #guilds = new Map<string, Loaded | Loading>();
  /** Bumped by every reset, so a read that overlapped one is not kept. */
  readonly #generation = new Map<string, number>();
  #writes = 0;

  async list(guildId: string, read: () => Promise<ReadonlyArray<readonly [string, Tally]>>): Promise<Tally[]> {
    const entry = this.#guilds.get(guildId);
    if (entry?.state === 'ready') {
      entry.lastRead = Date.now();
      this.#trim(guildId);
      entry.list ??= entry.userIds.map((id) => entry.byUser.get(id)!);
      return entry.list.slice();
    }
    if (entry?.state === 'loading') return (await entry.promise).slice();
    const generation = this.#generation.get(guildId) ?? 0;
    const loading: Loading = { state: 'loading', journal: [], promise: undefined as never };
    loading.promise = read().then(
      (rows) => {
        const userIds = rows.map(([id]) => id);
        const byUser = new Map(rows.map(([id, tally]) => [id, deepFreeze(tally)]));
        const loaded: Loaded = { state: 'ready', userIds, byUser, lastRead: Date.now() };
        for (const tally of loading.journal) this.#apply(loaded, tally);
        const current = this.#guilds.get(guildId) === loading && (this.#generation.get(guildId) ?? 0) === generation;
        if (current) {
          this.#guilds.set(guildId, loaded);
          this.#trim(guildId);
        } else if (this.#guilds.get(guildId) === loading) this.#guilds.delete(guildId);
        return loaded.userIds.map((id) => loaded.byUser.get(id)!);
      },
      (error: unknown) => {
        if (this.#guilds.get(guildId) === loading) this.#guilds.delete(guildId);
        throw error;
      },
    );
    this.#guilds.set(guildId, loading);
    return (await loading.promise).slice();
  }

  /** After a committed write: returns the tally, frozen, and updates the guild's copy if there is one. */
  written(guildId: string, tally: Tally): Tally {
    if (++this.#writes % 1024 === 0) this.#trim(undefined);
    // The standings never read the practice message ids; leaving them out keeps the copy small.
    const { recentPractice: _ids, ...standing } = tally;
    const frozen = deepFreeze(standing);
    const entry = this.#guilds.get(guildId);
    if (entry?.state === 'ready') this.#apply(entry, frozen);
    else if (entry?.state === 'loading') entry.journal.push(frozen);
    return frozen;
  }

  forget(guildId: string): void {
    this.#generation.set(guildId, (this.#generation.get(guildId) ?? 0) + 1);
    this.#guilds.delete(guildId);
  }

  #apply(entry: Loaded, tally: Tally): void {
    entry.list = undefined;
    if (!entry.byUser.has(tally.userId)) entry.userIds.splice(lowerBound(entry.userIds, tally.userId), 0, tally.userId);
    entry.byUser.set(tally.userId, tally);
  }

  /** Drops idle copies, then the least recently listed ones while over MAX_CACHED. */
  #trim(keep: string | undefined): void {
    const now = Date.now();
    const ready: Array<[string, Loaded]> = [];
    for (const [id, entry] of this.#guilds) {
      if (entry.state !== 'ready' || id === keep) continue;
      if (now - entry.lastRead > IDLE_MS) this.#guilds.delete(id);
      else ready.push([id, entry]);
    }
    let total = 0;
    for (const entry of this.#guilds.values()) if (entry.state === 'ready') total += entry.userIds.length;
    ready.sort((a, b) => a[1].lastRead - b[1].lastRead);
    for (const [id, entry] of ready) {
      if (total <= MAX_CACHED) break;
      this.#guilds.delete(id);
      total -= entry.userIds.length;
    }
  }
}

const standings = new WeakMap<Store, GuildStandings>();
function standingsFor(store: Store): GuildStandings {
  let s = standings.get(store);
  if (!s) {
    s = new GuildStandings();
    standings.set(store, s);
  }
  return s;
}
