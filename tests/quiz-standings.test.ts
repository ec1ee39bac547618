import { describe, expect, it } from 'vitest';
import { openStore } from '../src/storage/open.js';
import type { Store } from '../src/storage/store.js';
import { ManualClock } from '../tools/manual-clock.js';
import { Standings, type StandingsLimits } from '../src/quiz/standings.js';
import { compareTallies, leaderboard, leaderboardOf } from '../src/quiz/leaderboard.js';
import { forgetTally, listTallies, rankTallies, recordAnswer, resetTallies } from '../src/quiz/tallies.js';
import { silentLogger } from './support/log.js';

const answer = (userId: string, correct = true, at = 1) => ({ guildId: 'g', userId, userName: userId, category: 'attribution' as const, article: 'a1', correct, at });

/**
 * A store whose scans read their rows at once but hand them back only on
 * release(): it holds a listing's first read open, so the races with it
 * happen every time instead of depending on timing.
 */
async function heldStore(clock = new ManualClock(0), limits?: StandingsLimits) {
  const store = await openStore('memory://', silentLogger());
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let scanned!: () => void;
  const read = new Promise<void>((resolve) => (scanned = resolve));
  let scans = 0;
  const held: Store = {
    ...store,
    async scan<T>(prefix: string) {
      scans += 1;
      const rows = await store.scan<T>(prefix);
      scanned();
      await gate;
      return rows;
    },
  };
  return { book: { store: held, standings: new Standings(clock, limits) }, read, release, scans: () => scans };
}

describe('the in-memory guild standings behind listTallies', () => {
  it('an answer recorded after the first listing shows in the next one, without reading the store again', async () => {
    const { book: store, release, scans } = await heldStore();
    release();
    await recordAnswer(store, answer('b'));
    expect((await listTallies(store, 'g')).map((t) => t.userId)).toEqual(['b']);
    await recordAnswer(store, answer('a'));
    await recordAnswer(store, answer('b', false));
    expect((await listTallies(store, 'g')).map((t) => [t.userId, t.answered])).toEqual([['a', 1], ['b', 2]]);
    expect(scans()).toBe(1);
  });

  it('answers recorded while the first listing is reading are replayed onto it', async () => {
    const { book: store, read, release, scans } = await heldStore();
    for (let i = 0; i < 20; i++) await recordAnswer(store, answer(`u${String(i).padStart(2, '0')}`));
    const first = listTallies(store, 'g');
    await read; // the rows are read: answers from here on are not in them
    await Promise.all([...Array.from({ length: 5 }, (_, i) => recordAnswer(store, answer(`late${i}`))), recordAnswer(store, answer('u00', false))]);
    release();
    for (const listed of [await first, await listTallies(store, 'g')]) {
      expect(listed).toHaveLength(25);
      expect(listed.filter((t) => t.userId.startsWith('late'))).toHaveLength(5);
      expect(listed.find((t) => t.userId === 'u00')?.answered).toBe(2);
      expect(listed.map((t) => t.userId)).toEqual(listed.map((t) => t.userId).sort());
    }
    expect(scans()).toBe(1);
  });

  it('a listing whose read overlapped a reset is not kept', async () => {
    const { book: store, read, release, scans } = await heldStore();
    for (let i = 0; i < 10; i++) await recordAnswer(store, answer(`u${i}`));
    const first = listTallies(store, 'g');
    await read; // the rows, read before the reset, still hold all ten
    expect(await resetTallies(store, 'g')).toBe(10);
    release();
    expect(await first).toHaveLength(10); // it was asked for before the reset
    expect(await listTallies(store, 'g')).toEqual([]);
    expect(scans()).toBe(2);
  });

  it('a forgotten user leaves the listed copy at once, in order, and an answer after that starts them afresh', async () => {
    const { book, release, scans } = await heldStore();
    release();
    for (const id of ['a', 'b', 'c']) await recordAnswer(book, answer(id));
    await recordAnswer(book, answer('b'));
    expect((await listTallies(book, 'g')).map((t) => t.userId)).toEqual(['a', 'b', 'c']);
    expect((await forgetTally(book, 'g', 'b'))?.answered).toBe(2);
    expect((await listTallies(book, 'g')).map((t) => t.userId)).toEqual(['a', 'c']);
    expect(await forgetTally(book, 'g', 'nobody')).toBeUndefined();
    await recordAnswer(book, answer('b'));
    expect((await listTallies(book, 'g')).map((t) => [t.userId, t.answered])).toEqual([['a', 1], ['b', 1], ['c', 1]]);
    expect(scans()).toBe(1);
  });

  it('a user forgotten while the first listing is reading is not in it, though the rows it read still held them', async () => {
    const { book, read, release } = await heldStore();
    for (const id of ['a', 'b', 'c']) await recordAnswer(book, answer(id));
    const first = listTallies(book, 'g');
    await read; // the rows hold b
    await forgetTally(book, 'g', 'b');
    await recordAnswer(book, answer('c'));
    release();
    for (const listed of [await first, await listTallies(book, 'g')]) expect(listed.map((t) => [t.userId, t.answered])).toEqual([['a', 1], ['c', 2]]);
    expect(await book.store.get('tally:g:b')).toBeUndefined();
  });

  it('hands out frozen tallies, so one caller cannot change another’s', async () => {
    const { book: store, release } = await heldStore();
    release();
    await recordAnswer(store, answer('a'));
    const [tally] = await listTallies(store, 'g');
    expect(Object.isFrozen(tally)).toBe(true);
    expect(Object.isFrozen(tally!.byCategory.attribution)).toBe(true);
  });

  it('drops a guild’s copy after it has not been listed for the idle time, and reads the store again', async () => {
    const clock = new ManualClock(0);
    const { book, release, scans } = await heldStore(clock, { idleMs: 60_000, maxCached: 1000 });
    release();
    await recordAnswer(book, answer('a'));
    await recordAnswer(book, { ...answer('b'), guildId: 'other' });
    await listTallies(book, 'g');
    await clock.advance(30_000);
    await listTallies(book, 'other'); // g was listed 30 s ago: kept
    await listTallies(book, 'g');
    expect(scans()).toBe(2);
    await clock.advance(60_001);
    await listTallies(book, 'other'); // g idle for over a minute: dropped while listing another guild
    expect(scans()).toBe(2);
    expect((await listTallies(book, 'g')).map((t) => t.userId)).toEqual(['a']);
    expect(scans()).toBe(3);
  });

  it('over the size cap, drops the least recently listed guild first', async () => {
    const clock = new ManualClock(0);
    const { book, release, scans } = await heldStore(clock, { idleMs: 3_600_000, maxCached: 3 });
    release();
    for (const [guildId, userId] of [['g1', 'a'], ['g1', 'b'], ['g2', 'c'], ['g2', 'd']] as const) await recordAnswer(book, { ...answer(userId), guildId });
    await listTallies(book, 'g1');
    await clock.advance(1);
    await listTallies(book, 'g2'); // 4 tallies cached, over 3: g1 (listed earlier) goes, g2 (being listed) stays
    expect(scans()).toBe(2);
    await listTallies(book, 'g2');
    expect(scans()).toBe(2);
    await listTallies(book, 'g1');
    expect(scans()).toBe(3);
  });

  it('keeps the ranking in leaderboard order as answers arrive: always what a full sort would give', async () => {
    const { book, release, scans } = await heldStore();
    release();
    let seed = 7;
    const rng = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < 200; i++) await recordAnswer(book, answer(`u${i % 60}`, rng() < 0.6, i));
    await rankTallies(book, 'g'); // loaded: from here on the ranking is updated in place
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 150; i++) await recordAnswer(book, answer(`u${Math.floor(rng() * 80)}`, rng() < 0.5, 1000 + round * 150 + i));
      const ranking = await rankTallies(book, 'g');
      const all = await listTallies(book, 'g');
      expect(ranking.total).toBe(all.length);
      expect(ranking.top(all.length).map((t) => t.userId)).toEqual([...all].sort(compareTallies).map((t) => t.userId));
      for (const userId of ['u0', 'u33', 'u79', 'nobody']) expect(leaderboardOf(ranking, userId)).toEqual(leaderboard(all, userId));
    }
    expect(scans()).toBe(1);
  });
});
