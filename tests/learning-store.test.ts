import { afterEach, describe, expect, it } from 'vitest';
import { itemRef, type ItemRef } from '../src/content/refs.js';
import { deleteGuildData } from '../src/guilds/keys.js';
import { DAY_MS } from '../src/learning/boxes.js';
import { getLearning, listLearning, practiceOrder, rateConfidence, recordLearning, reviewList, type LearningAnswer } from '../src/learning/record.js';
import { learningKey } from '../src/learning/state.js';
import { systemClock } from '../src/clock.js';
import { findPersonRecords, forgetPerson } from '../src/quiz/forget.js';
import { Standings } from '../src/quiz/standings.js';
import { recordAnswer, resetTallies, type TallyBook } from '../src/quiz/tallies.js';
import { silentLogger } from './support/log.js';
import { tempSqliteStore } from './support/sqlite-store.js';

const log = silentLogger();
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const sqlite = () => tempSqliteStore(cleanups, log);

const T0 = Date.UTC(2026, 0, 5, 9);
const ref = (n: number | string): ItemRef => itemRef('harbour-bridge', `q-${n}`);
let n = 0;
const answer = (over: Partial<LearningAnswer> = {}): LearningAnswer => ({
  guildId: 'g1',
  userId: 'u1',
  ref: ref(1),
  optionId: 'a',
  correct: false,
  source: 'practice',
  at: T0,
  answerKey: `practice:m${n++}`,
  ...over,
});
const noRounds = { forget: async () => [], answeredIn: () => [] };

describe('learning state in the store', () => {
  it('keeps all of a person’s learning in one key, learning:<guild>:<user>, that survives a restart', async () => {
    const { store, reopen } = await sqlite();
    await recordLearning(store, answer({ ref: ref(1), at: T0 }));
    await recordLearning(store, answer({ ref: ref(2), at: T0 + 1, source: 'round', optionId: 'b' }));
    await rateConfidence(store, { guildId: 'g1', userId: 'u1', answerKey: 'round:r1:0', ref: ref(2), level: 'certain', correct: false, at: T0 + 2 });
    expect((await store.scan('')).map(([key]) => key)).toEqual([learningKey('g1', 'u1')]);
    expect(learningKey('g1', 'u1')).toBe('learning:g1:u1');

    const again = await reopen();
    expect(await reviewList(again, 'g1', 'u1')).toEqual([
      { ref: ref(2), optionId: 'b', at: T0 + 1, source: 'round' },
      { ref: ref(1), optionId: 'a', at: T0, source: 'practice' },
    ]);
    const state = await getLearning(again, 'g1', 'u1');
    expect(state?.boxes).toEqual({ [ref(1)]: { box: 1, due: T0 + DAY_MS }, [ref(2)]: { box: 1, due: T0 + 1 + DAY_MS } });
    expect(state?.ratings).toHaveLength(1);
    expect((await practiceOrder(again, 'g1', 'u1', [ref(3), ref(2), ref(1)], T0 + 2 * DAY_MS)).order).toEqual([ref(1), ref(2), ref(3)]);
    expect(await getLearning(again, 'g1', 'u2')).toBeUndefined();
  });

  it('concurrent answers of the same person all land: none is lost', async () => {
    const { store } = await sqlite();
    const answers = Array.from({ length: 40 }, (_, i) => answer({ ref: ref(i), correct: i % 2 === 1, at: T0 + i }));
    const results = await Promise.all(answers.map((a) => recordLearning(store, a)));
    expect(results.every((r) => r.kind === 'recorded')).toBe(true);
    const state = (await getLearning(store, 'g1', 'u1'))!;
    expect(Object.keys(state.seen)).toHaveLength(40);
    expect(Object.keys(state.boxes)).toHaveLength(20);
    expect(state.review.map((e) => e.ref)).toEqual(
      Array.from({ length: 20 }, (_, i) => ref(38 - 2 * i)),
    );
    expect(state.answerKeys).toHaveLength(40);
  });

  it('concurrent ratings each land once, and a replayed answer or rating changes nothing', async () => {
    const { store } = await sqlite();
    const rate = (i: number) => rateConfidence(store, { guildId: 'g1', userId: 'u1', answerKey: `k${i}`, ref: ref(i), level: 'certain', correct: i < 8, at: T0 + i });
    const results = await Promise.all([...Array.from({ length: 10 }, (_, i) => rate(i)), rate(3), rate(7)]);
    expect(results.filter((r) => r.kind === 'rated')).toHaveLength(10);
    expect(results.filter((r) => r.kind === 'already-rated')).toHaveLength(2);
    const last = (await getLearning(store, 'g1', 'u1'))!;
    expect(last.ratings.map((r) => r.answerKey).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `k${i}`).sort());

    const once = answer({ answerKey: 'practice:m-same' });
    expect(await recordLearning(store, once)).toMatchObject({ kind: 'recorded' });
    const before = await store.get(learningKey('g1', 'u1'));
    expect(await recordLearning(store, { ...once, correct: true, at: T0 + DAY_MS })).toEqual({ kind: 'already-recorded' });
    expect(await rate(4)).toEqual({ kind: 'already-rated' });
    expect(await store.get(learningKey('g1', 'u1'))).toEqual(before);
  });

  it('the tenth rating brings the verdict', async () => {
    const { store } = await sqlite();
    let result;
    for (let i = 0; i < 10; i++) {
      result = await rateConfidence(store, { guildId: 'g1', userId: 'u1', answerKey: `k${i}`, ref: ref(i), level: 'certain', correct: i < 8, at: T0 + i });
      if (i === 8) expect(result).toMatchObject({ kind: 'rated', calibration: { kind: 'too-few', needed: 1 } });
    }
    expect(result).toMatchObject({ kind: 'rated', calibration: { kind: 'verdict', verdict: 'over-confident', figure: 0.2 } });
  });

  it('forget-me removes the person’s learning key and no one else’s', async () => {
    const { store } = await sqlite();
    const book: TallyBook = { store, standings: new Standings(systemClock) };
    await recordLearning(store, answer({ guildId: 'g1', userId: 'u1' }));
    await recordLearning(store, answer({ guildId: 'g1', userId: 'u2' }));
    await recordLearning(store, answer({ guildId: 'g2', userId: 'u1' }));

    expect(await findPersonRecords({ store, quiz: noRounds }, 'g1', 'u1')).toMatchObject({ learning: true, answers: undefined });
    const removed = await forgetPerson({ ...book, quiz: noRounds }, 'g1', 'u1');
    expect(removed).toMatchObject({ learning: true });
    expect(await store.get(learningKey('g1', 'u1'))).toBeUndefined();
    expect(await findPersonRecords({ store, quiz: noRounds }, 'g1', 'u1')).toEqual({ answers: undefined, practiceHistory: false, learning: false, pickRounds: 0 });
    expect(await getLearning(store, 'g1', 'u2')).toBeDefined();
    expect(await getLearning(store, 'g2', 'u1')).toBeDefined();
  });

  it('/quiz-admin reset clears the server’s learning keys with its tallies, and not those of a server whose id starts the same', async () => {
    const { store } = await sqlite();
    const book: TallyBook = { store, standings: new Standings(systemClock) };
    for (const userId of ['u1', 'u2']) {
      await recordAnswer(book, { guildId: '12', userId, userName: userId, category: 'attribution', article: 'a1', correct: false, at: T0 });
      await recordLearning(store, answer({ guildId: '12', userId }));
    }
    await recordLearning(store, answer({ guildId: '123', userId: 'u1' }));

    expect(await resetTallies(book, '12')).toBe(2);
    expect(await listLearning(store, '12')).toEqual([]);
    expect((await listLearning(store, '123')).map(([userId]) => userId)).toEqual(['u1']);
  });

  it('the server’s data sweep deletes its learning keys', async () => {
    const { store } = await sqlite();
    await recordLearning(store, answer({ guildId: 'g1', userId: 'u1' }));
    await recordLearning(store, answer({ guildId: 'g2', userId: 'u1' }));
    expect(await deleteGuildData(store, 'g1')).toBe(1);
    expect(await getLearning(store, 'g1', 'u1')).toBeUndefined();
    expect(await getLearning(store, 'g2', 'u1')).toBeDefined();
  });
});
