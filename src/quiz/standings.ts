import type { Clock } from '../clock.js';
import { compareTallies } from './leaderboard.js';
import type { Tally } from './tallies.js';

export interface StandingsLimits {
  /** A guild's copy is dropped when no one has listed it for this long, */
  idleMs: number;
  /** or, least recently listed first, when all copies together hold more tallies than this (about 640 bytes of heap each: 64 MB). */
  maxCached: number;
}

export const DEFAULT_LIMITS: StandingsLimits = { idleMs: 15 * 60_000, maxCached: 100_000 };

type Loaded = {
  state: 'ready';
  userIds: string[];
  byUser: Map<string, Tally>;
  /** Every tally in leaderboard order, kept sorted as answers arrive so a leaderboard never sorts. */
  ranked: Tally[];
  lastRead: number;
  /** The list sorted by user id, until the next write. */
  list?: Tally[];
};
/** A write the copy must follow: a user's new tally, or undefined once their tally was removed. */
type Written = { userId: string; tally: Tally | undefined };
type Loading = { state: 'loading'; promise: Promise<Loaded>; journal: Written[] };

/** A guild's tallies in leaderboard order. */
export interface Ranking {
  readonly total: number;
  /** The first `n`, best first. */
  top(n: number): readonly Tally[];
  /** The user's tally and 1-based rank, if they have answered. */
  find(userId: string): { tally: Tally; rank: number } | undefined;
}

/** Index of the first tally in `ranked` that does not rank above `t` (where `t` is, or would go). */
function rankIndex(ranked: readonly Tally[], t: Tally): number {
  let lo = 0;
  let hi = ranked.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareTallies(ranked[mid]!, t) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const withoutPractice = ({ recentPractice: _ids, ...standing }: Tally): Tally => standing;

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
 * that copy after its write has committed. The copy matches the store because
 * every tally write takes this object with the store (a TallyBook: recordAnswer,
 * recordAnswerOnce, forgetTally, resetTallies call written(), removed() or
 * forget()). Writes and removals made while the first read is running are
 * replayed onto it; a reset drops the copy, and a read that overlapped the
 * reset is not kept.
 *
 * Several processes (shards) on one shared store: a guild's tallies are only
 * written by the process of the shard that owns the guild, as only that
 * process receives the guild's interactions (src/shards.ts), so its copy sees
 * every write and no other process keeps one that could go stale.
 */
type Reader = () => Promise<ReadonlyArray<readonly [string, Tally]>>;

export class Standings {
  readonly #guilds = new Map<string, Loaded | Loading>();
  readonly #clock: Clock;
  readonly #limits: StandingsLimits;
  /** Bumped by every reset, so a read that overlapped one is not kept. */
  readonly #generation = new Map<string, number>();
  #writes = 0;

  constructor(clock: Clock, limits: StandingsLimits = DEFAULT_LIMITS) {
    this.#clock = clock;
    this.#limits = limits;
  }

  async list(guildId: string, read: Reader): Promise<Tally[]> {
    const entry = await this.#ready(guildId, read);
    entry.list ??= entry.userIds.map((id) => entry.byUser.get(id)!);
    return entry.list.slice();
  }

  /** The guild's ranking, kept in order as answers arrive: a leaderboard costs a slice and a binary search. */
  async ranking(guildId: string, read: Reader): Promise<Ranking> {
    const { ranked, byUser } = await this.#ready(guildId, read);
    return {
      total: ranked.length,
      top: (n) => ranked.slice(0, Math.max(0, n)),
      find(userId) {
        const tally = byUser.get(userId);
        return tally && { tally, rank: rankIndex(ranked, tally) + 1 };
      },
    };
  }

  /** The guild's copy, reading the store the first time (and again after it was dropped or reset). */
  async #ready(guildId: string, read: Reader): Promise<Loaded> {
    const entry = this.#guilds.get(guildId);
    if (entry?.state === 'ready') {
      entry.lastRead = this.#clock.now();
      this.#trim(guildId);
      return entry;
    }
    if (entry?.state === 'loading') return entry.promise;
    const generation = this.#generation.get(guildId) ?? 0;
    const loading: Loading = { state: 'loading', journal: [], promise: undefined as never };
    loading.promise = read().then(
      (rows) => {
        const userIds = rows.map(([id]) => id);
        const byUser = new Map(rows.map(([id, tally]) => [id, deepFreeze(tally)]));
        const ranked = [...byUser.values()].sort(compareTallies);
        const loaded: Loaded = { state: 'ready', userIds, byUser, ranked, lastRead: this.#clock.now() };
        for (const change of loading.journal) this.#apply(loaded, change);
        const current = this.#guilds.get(guildId) === loading && (this.#generation.get(guildId) ?? 0) === generation;
        if (current) {
          this.#guilds.set(guildId, loaded);
          this.#trim(guildId);
        } else if (this.#guilds.get(guildId) === loading) this.#guilds.delete(guildId);
        return loaded;
      },
      (error: unknown) => {
        if (this.#guilds.get(guildId) === loading) this.#guilds.delete(guildId);
        throw error;
      },
    );
    this.#guilds.set(guildId, loading);
    return loading.promise;
  }

  /** After a committed write: returns the tally, frozen, and updates the guild's copy if there is one. */
  written(guildId: string, tally: Tally): Tally {
    if (++this.#writes % 1024 === 0) this.#trim(undefined);
    // The standings never read the practice message ids; leaving them out keeps the copy small.
    const frozen = deepFreeze(tally.recentPractice ? withoutPractice(tally) : tally);
    this.#follow(guildId, { userId: frozen.userId, tally: frozen });
    return frozen;
  }

  /** After a user's tally was deleted (and the delete committed): the copy drops them too. */
  removed(guildId: string, userId: string): void {
    this.#follow(guildId, { userId, tally: undefined });
  }

  forget(guildId: string): void {
    this.#generation.set(guildId, (this.#generation.get(guildId) ?? 0) + 1);
    this.#guilds.delete(guildId);
  }

  #follow(guildId: string, change: Written): void {
    const entry = this.#guilds.get(guildId);
    if (entry?.state === 'ready') this.#apply(entry, change);
    else if (entry?.state === 'loading') entry.journal.push(change);
  }

  #apply(entry: Loaded, { userId, tally }: Written): void {
    entry.list = undefined;
    const previous = entry.byUser.get(userId);
    if (previous) {
      // Its old place, found by the same order it was inserted by (user id breaks every tie).
      const at = rankIndex(entry.ranked, previous);
      if (entry.ranked[at] === previous) entry.ranked.splice(at, 1);
      if (!tally) entry.userIds.splice(lowerBound(entry.userIds, userId), 1);
    } else if (tally) {
      entry.userIds.splice(lowerBound(entry.userIds, userId), 0, userId);
    }
    if (!tally) {
      entry.byUser.delete(userId);
      return;
    }
    entry.ranked.splice(rankIndex(entry.ranked, tally), 0, tally);
    entry.byUser.set(userId, tally);
  }

  /** Drops idle copies, then the least recently listed ones while over the size cap. */
  #trim(keep: string | undefined): void {
    const now = this.#clock.now();
    const ready: Array<[string, Loaded]> = [];
    for (const [id, entry] of this.#guilds) {
      if (entry.state !== 'ready' || id === keep) continue;
      if (now - entry.lastRead > this.#limits.idleMs) this.#guilds.delete(id);
      else ready.push([id, entry]);
    }
    let total = 0;
    for (const entry of this.#guilds.values()) if (entry.state === 'ready') total += entry.userIds.length;
    ready.sort((a, b) => a[1].lastRead - b[1].lastRead);
    for (const [id, entry] of ready) {
      if (total <= this.#limits.maxCached) break;
      this.#guilds.delete(id);
      total -= entry.userIds.length;
    }
  }
}
