import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../src/storage/open.js';
import type { Store } from '../src/storage/store.js';
import { Standings } from '../src/quiz/standings.js';
import { getTally, listTallies, recordAnswer, resetTallies, type AnswerEvent, type TallyBook } from '../src/quiz/tallies.js';
import { systemClock } from '../src/clock.js';
import { silentLogger } from './support/log.js';
import { tempDir } from './support/temp.js';

const log = silentLogger();
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A store with its standings mirror, as the bot passes them to every tally write. */
const book = (store: Store): TallyBook => ({ store, standings: new Standings(systemClock) });

async function memory(): Promise<TallyBook> {
  const store = await openStore('memory://', log);
  cleanups.push(() => store.close());
  return book(store);
}

const answer = (over: Partial<AnswerEvent> = {}): AnswerEvent => ({
  guildId: 'g1',
  userId: 'u1',
  article: 'a1',
  userName: 'Ann',
  category: 'attribution',
  correct: true,
  at: 1_000,
  ...over,
});

describe('tallies', () => {
  it('counts answers overall and per category, and keeps the latest name', async () => {
    const store = await memory();
    await recordAnswer(store, answer({ at: 1000 }));
    await recordAnswer(store, answer({ correct: false, category: 'verification', at: 2000 }));
    const t = await recordAnswer(store, answer({ userName: 'Ann B', at: 3000 }));
    expect(t).toMatchObject({ userId: 'u1', userName: 'Ann B', answered: 3, correct: 2, firstAnsweredAt: 1000, lastAnsweredAt: 3000, lastCorrectAt: 3000 });
    expect(t.byCategory).toEqual({ attribution: { answered: 2, correct: 2 }, verification: { answered: 1, correct: 0 } });
    expect(await getTally(store.store, 'g1', 'u1')).toEqual(t);
  });

  it('tracks the current streak and the best streak', async () => {
    const store = await memory();
    const results = [true, true, true, false, true, true];
    let t;
    const seen: Array<[number, number]> = [];
    for (const correct of results) {
      t = await recordAnswer(store, answer({ correct }));
      seen.push([t.streak, t.bestStreak]);
    }
    expect(seen).toEqual([[1, 1], [2, 2], [3, 3], [0, 3], [1, 3], [2, 3]]);
  });

  it('does not move lastCorrectAt back when an older answer arrives late', async () => {
    const store = await memory();
    await recordAnswer(store, answer({ at: 5000 }));
    const t = await recordAnswer(store, answer({ at: 4000 }));
    expect(t).toMatchObject({ lastCorrectAt: 5000, lastAnsweredAt: 5000, firstAnsweredAt: 4000 });
  });

  it('lists one guild only and resets one guild only', async () => {
    const store = await memory();
    await recordAnswer(store, answer({ guildId: '12', userId: 'b' }));
    await recordAnswer(store, answer({ guildId: '12', userId: 'a' }));
    await recordAnswer(store, answer({ guildId: '123', userId: 'c' }));
    expect((await listTallies(store, '12')).map((t) => t.userId)).toEqual(['a', 'b']);
    expect(await resetTallies(store, '12')).toBe(2);
    expect(await listTallies(store, '12')).toEqual([]);
    expect((await listTallies(store, '123')).map((t) => t.userId)).toEqual(['c']);
  });

  it('keeps a tally small (it is written on every answer)', async () => {
    const store = await memory();
    let t = await recordAnswer(store, answer({ at: Date.now() }));
    for (const category of ['source-chain', 'quote-integrity', 'missing-context', 'loaded-language', 'verification'] as const) {
      t = await recordAnswer(store, answer({ category, userName: 'A fairly long display name', at: Date.now() }));
    }
    // Every skill and one article answered: each further article adds about 40 characters.
    expect(JSON.stringify(t).length).toBeLessThan(560);
  });

  it('is exact under 1000 concurrent answers from 500 users on a real SQLite file', async () => {
    const tmp = tempDir('quiz-tallies-');
    cleanups.push(tmp.cleanup);
    const file = await openStore(`sqlite://${join(tmp.dir, 'bot.sqlite')}`, log);
    cleanups.push(() => file.close());
    const store = book(file);
    const events = Array.from({ length: 1000 }, (_, i) =>
      answer({ userId: `user${String(i % 500).padStart(3, '0')}`, correct: i % 3 === 0, at: 1_000 + i }),
    );
    await Promise.all(events.map((e) => recordAnswer(store, e)));
    const tallies = await listTallies(store, 'g1');
    expect(tallies).toHaveLength(500);
    expect(tallies.reduce((n, t) => n + t.answered, 0)).toBe(1000);
    expect(tallies.reduce((n, t) => n + t.correct, 0)).toBe(events.filter((e) => e.correct).length);
    for (const t of tallies) {
      const mine = events.filter((e) => e.userId === t.userId);
      expect(t.answered).toBe(2);
      expect(t.correct).toBe(mine.filter((e) => e.correct).length);
      expect(t.byCategory.attribution).toEqual({ answered: 2, correct: t.correct });
    }
  });
});
