import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { Category, Question } from '../src/content/schema.js';
import { openStore } from '../src/storage/open.js';
import { channelSeenKey, getSeen, legacyChannelSeenKey, pickQuestions, rememberSeen, SEEN_LIMIT } from '../src/quiz/select.js';

const question = (id: string, category: Category = 'attribution', difficulty: 1 | 2 | 3 = 1): Question => ({
  id,
  category,
  difficulty,
  prompt: `Prompt ${id}?`,
  options: [
    { id: 'yes', text: 'yes', correct: true },
    { id: 'no', text: 'no', correct: false, why: 'Because not.' },
  ],
  cites: [1],
  quotes: ['a quote'],
  explanation: 'Because.',
});

const seeded = (seed: number) => () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
const bank = Array.from({ length: 10 }, (_, i) => question(`q${i}`, i < 6 ? 'attribution' : 'verification', i % 2 ? 2 : 1));
const ids = (qs: Question[]) => qs.map((q) => q.id);

describe('pickQuestions', () => {
  it('never repeats a question within a round, even if the bank lists it twice', () => {
    for (let seed = 1; seed < 50; seed += 1) {
      const picked = ids(pickQuestions([...bank, ...bank], { count: 10, recent: [], rng: seeded(seed) }));
      expect(new Set(picked).size).toBe(10);
    }
  });

  it('prefers questions the channel has not seen, then the least recently seen', () => {
    const recent = ['q0', 'q1', 'q2', 'q3', 'q4', 'q5', 'q6', 'q7'];
    for (let seed = 1; seed < 50; seed += 1) {
      const picked = ids(pickQuestions(bank, { count: 4, recent, rng: seeded(seed) }));
      expect(picked.slice(0, 2).sort()).toEqual(['q8', 'q9']);
      expect(picked.slice(2)).toEqual(['q0', 'q1']);
    }
  });

  it('counts the latest sighting when an id appears twice in the recent list', () => {
    const picked = ids(pickQuestions(bank.slice(0, 3), { count: 3, recent: ['q0', 'q1', 'q2', 'q0'] }));
    expect(picked).toEqual(['q1', 'q2', 'q0']);
  });

  it('picks at random among equally fresh questions', () => {
    const firsts = new Set(Array.from({ length: 40 }, (_, seed) => pickQuestions(bank, { count: 1, recent: [], rng: seeded(seed + 1) })[0]!.id));
    expect(firsts.size).toBeGreaterThan(3);
  });

  it('filters by category and difficulty and returns fewer when that is all there is', () => {
    const picked = pickQuestions(bank, { count: 5, category: 'verification', difficulty: 2, recent: [] });
    expect(ids(picked).sort()).toEqual(['q7', 'q9']);
    expect(pickQuestions(bank, { count: 5, category: 'quote-integrity', recent: [] })).toEqual([]);
  });
});

describe('rememberSeen', () => {
  it('keeps the last ids per channel, oldest first, moving repeats to the end', async () => {
    const store = await openStore('memory://', pino({ level: 'silent' }));
    await rememberSeen(store, 'c1', ['a', 'b', 'c']);
    await rememberSeen(store, 'c1', ['a', 'd']);
    expect(await getSeen(store, 'c1')).toEqual(['b', 'c', 'a', 'd']);
    expect(await getSeen(store, 'c2')).toEqual([]);
    const many = Array.from({ length: 70 }, (_, i) => `x${i}`);
    await Promise.all(many.map((id) => rememberSeen(store, 'c1', [id])));
    const seen = await getSeen(store, 'c1');
    expect(seen).toHaveLength(SEEN_LIMIT);
    expect(seen.at(-1)).toBe('x69');
    expect(seen[0]).toBe('x20');
    await store.close();
  });
  it('reads a channel list kept under its old, server-less key, and carries it to the server’s key on the next write', async () => {
    const store = await openStore('memory://', pino({ level: 'silent' }));
    const key = channelSeenKey('g1', 'c1');
    const legacy = legacyChannelSeenKey('c1');
    await store.set(legacy, ['a', 'b']);
    expect(await getSeen(store, key, legacy)).toEqual(['a', 'b']);
    expect(await rememberSeen(store, key, ['c', 'a'], legacy)).toEqual(['b', 'c', 'a']);
    expect(await store.get(legacy)).toBeUndefined();
    expect(await store.get(key)).toEqual(['b', 'c', 'a']);
    // Once carried over, the server's key is the one read and written.
    await store.set(legacy, ['stale']);
    expect(await getSeen(store, key, legacy)).toEqual(['b', 'c', 'a']);
    expect(await rememberSeen(store, key, ['d'], legacy)).toEqual(['b', 'c', 'a', 'd']);
    await store.close();
  });
});
