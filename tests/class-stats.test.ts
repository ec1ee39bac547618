/**
 * The server's per-question and per-week figures on a real SQLite store: how
 * answers add up, the bounds, the practice path that writes them, what reset,
 * forgetting and the retention sweep do to them, and the report's figures.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { weekStart } from '../src/charts/index.js';
import { itemRef, type ItemRef } from '../src/content/refs.js';
import type { Question } from '../src/content/schema.js';
import { deleteGuildData, guildDataKeys } from '../src/guilds/keys.js';
import { classReportFigures, questionLabel } from '../src/quiz/class-report.js';
import { classStatsKey, getClassStats, lastWeeks, recordClassAnswers, WEEKS_KEPT } from '../src/quiz/class-stats.js';
import { forgetPerson } from '../src/quiz/forget.js';
import { recordPracticeAnswer } from '../src/quiz/practice.js';
import { Standings } from '../src/quiz/standings.js';
import { getTally, resetTallies } from '../src/quiz/tallies.js';
import { systemClock } from '../src/clock.js';
import type { Store } from '../src/storage/store.js';
import { silentLogger } from './support/log.js';
import { tempSqliteStore } from './support/sqlite-store.js';

const log = silentLogger();
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const sqlite = () => tempSqliteStore(cleanups, log);

const DAY = 86_400_000;
const WEEK = 7 * DAY;
// A Wednesday: its week started on Monday 5 January 2026.
const T0 = Date.UTC(2026, 0, 7, 9);
const MONDAY = Date.UTC(2026, 0, 5);
const ref = (n: number): ItemRef => itemRef('harbour-bridge', `x-${n}`);

const question: Question = {
  id: 'q-1',
  category: 'attribution',
  difficulty: 1,
  prompt: 'Who   is quoted\nin ¶2?',
  options: [
    { id: 'right', text: 'Right', correct: true },
    { id: 'wrong', text: 'Wrong', correct: false, why: 'Because.' },
  ],
  cites: [1],
  quotes: ['q'],
  explanation: 'e',
};

describe('class stats in the store', () => {
  it('adds answers per question and per week in one key, class-stats:<guild>, that survives a restart', async () => {
    const { store, reopen } = await sqlite();
    await recordClassAnswers(store, 'g1', { ref: ref(1), answered: 1, correct: 0, at: T0 });
    await recordClassAnswers(store, 'g1', { ref: ref(1), answered: 4, correct: 3, at: T0 + DAY });
    await recordClassAnswers(store, 'g1', { ref: ref(2), answered: 2, correct: 2, at: T0 + WEEK });
    // Another server's answers stay in its own key.
    await recordClassAnswers(store, 'g2', { ref: ref(1), answered: 9, correct: 9, at: T0 });
    expect(classStatsKey('g1')).toBe('class-stats:g1');
    expect((await store.scan('class-stats:')).map(([key]) => key).sort()).toEqual(['class-stats:g1', 'class-stats:g2']);

    const stats = await getClassStats(await reopen(), 'g1');
    expect(stats.questions).toEqual({ [ref(1)]: { answered: 5, correct: 3 }, [ref(2)]: { answered: 2, correct: 2 } });
    expect(stats.weeks).toEqual([
      { start: MONDAY, answers: 5 },
      { start: MONDAY + WEEK, answers: 2 },
    ]);
    expect(stats.updates).toBe(3);
    expect(weekStart(T0)).toBe(MONDAY);
  });

  it('zero answers write nothing; right answers are never more than answers', async () => {
    const { store } = await sqlite();
    await recordClassAnswers(store, 'g1', { ref: ref(1), answered: 0, correct: 0, at: T0 });
    expect(await store.get(classStatsKey('g1'))).toBeUndefined();
    await recordClassAnswers(store, 'g1', { ref: ref(1), answered: 2, correct: 5, at: T0 });
    expect((await getClassStats(store, 'g1')).questions[ref(1)]).toEqual({ answered: 2, correct: 2 });
  });

  it('a keyed write counts once: a round question revealed again after a restart adds nothing', async () => {
    const { store, reopen } = await sqlite();
    await recordClassAnswers(store, 'g1', { ref: ref(1), answered: 3, correct: 1, at: T0, key: 'round:r1:0' });
    const again = await reopen();
    await recordClassAnswers(again, 'g1', { ref: ref(1), answered: 3, correct: 1, at: T0 + 1000, key: 'round:r1:0' });
    await recordClassAnswers(again, 'g1', { ref: ref(1), answered: 2, correct: 2, at: T0 + 2000, key: 'round:r1:1' });
    const stats = await getClassStats(again, 'g1');
    expect(stats.questions[ref(1)]).toEqual({ answered: 5, correct: 3 });
    expect(stats.updates).toBe(2);
    expect(stats.keys).toEqual(['round:r1:0', 'round:r1:1']);
  });

  it('concurrent answers all land: none is lost', async () => {
    const { store } = await sqlite();
    await Promise.all(Array.from({ length: 60 }, (_, i) => recordClassAnswers(store, 'g1', { ref: ref(i % 3), answered: 1, correct: i % 2, at: T0 + (i % 2) * WEEK })));
    const stats = await getClassStats(store, 'g1');
    expect(Object.values(stats.questions).reduce((sum, q) => sum + q.answered, 0)).toBe(60);
    expect(Object.values(stats.questions).reduce((sum, q) => sum + q.correct, 0)).toBe(30);
    expect(stats.weeks).toEqual([
      { start: MONDAY, answers: 30 },
      { start: MONDAY + WEEK, answers: 30 },
    ]);
    expect(stats.updates).toBe(60);
  });

  it(`keeps the last ${WEEKS_KEPT} weeks, and puts a late answer for an older week in its place`, async () => {
    const { store } = await sqlite();
    for (let w = 0; w < WEEKS_KEPT + 3; w++) await recordClassAnswers(store, 'g1', { ref: ref(1), answered: w + 1, correct: 0, at: T0 + w * WEEK });
    let weeks = (await getClassStats(store, 'g1')).weeks;
    expect(weeks).toHaveLength(WEEKS_KEPT);
    expect(weeks[0]).toEqual({ start: MONDAY + 3 * WEEK, answers: 4 });
    expect(weeks.at(-1)).toEqual({ start: MONDAY + (WEEKS_KEPT + 2) * WEEK, answers: WEEKS_KEPT + 3 });
    // Every answer still counts for its question.
    expect((await getClassStats(store, 'g1')).questions[ref(1)]!.answered).toBe(((WEEKS_KEPT + 3) * (WEEKS_KEPT + 4)) / 2);

    const { store: other } = await sqlite();
    await recordClassAnswers(other, 'g1', { ref: ref(1), answered: 1, correct: 0, at: T0 + 2 * WEEK });
    await recordClassAnswers(other, 'g1', { ref: ref(1), answered: 1, correct: 0, at: T0 });
    weeks = (await getClassStats(other, 'g1')).weeks;
    expect(weeks.map((w) => w.start)).toEqual([MONDAY, MONDAY + 2 * WEEK]);
  });

  it('lastWeeks gives the 8 weeks ending with the current one, oldest first, empty weeks as 0', () => {
    const stats = { weeks: [{ start: MONDAY - 20 * WEEK, answers: 7 }, { start: MONDAY - WEEK, answers: 3 }, { start: MONDAY, answers: 2 }] };
    const weeks = lastWeeks(stats, T0);
    expect(weeks).toHaveLength(8);
    expect(weeks[0]!.start).toBe(MONDAY - 7 * WEEK);
    expect(weeks.map((w) => w.answers)).toEqual([0, 0, 0, 0, 0, 0, 3, 2]);
    // A week later the window moves on: this week is empty, last week holds 2.
    expect(lastWeeks(stats, T0 + WEEK).map((w) => w.answers)).toEqual([0, 0, 0, 0, 0, 3, 2, 0]);
  });
});

describe('practice answers in the class stats', () => {
  const input = (messageId: string, optionId: string, at = T0) => ({ guildId: 'g1', userId: 'u1', userName: 'ann', messageId, article: 'harbour-bridge', question, optionId, at });

  it('a practice answer adds one answer to its question and week; a replay of the same message adds nothing', async () => {
    const { store } = await sqlite();
    const book = { store, standings: new Standings(systemClock), log };
    expect(await recordPracticeAnswer(book, input('m1', 'wrong'))).toEqual({ kind: 'recorded', correct: false });
    expect(await recordPracticeAnswer(book, input('m2', 'right', T0 + WEEK))).toEqual({ kind: 'recorded', correct: true });
    expect(await recordPracticeAnswer(book, input('m2', 'right', T0 + WEEK))).toEqual({ kind: 'already-answered' });
    const stats = await getClassStats(store, 'g1');
    expect(stats.questions).toEqual({ [itemRef('harbour-bridge', 'q-1')]: { answered: 2, correct: 1 } });
    expect(stats.weeks).toEqual([
      { start: MONDAY, answers: 1 },
      { start: MONDAY + WEEK, answers: 1 },
    ]);
  });

  it('if the class stats cannot be written, the answer still counts and the failure is logged', async () => {
    const { store: inner } = await sqlite();
    const store: Store = {
      ...inner,
      update: (key, change) => (key.startsWith('class-stats:') ? Promise.reject(new Error('disk full')) : inner.update(key, change)),
      get: (key) => inner.get(key),
    };
    const warnings: unknown[] = [];
    const book = { store, standings: new Standings(systemClock), log: { warn: (obj: unknown) => void warnings.push(obj) } };
    expect(await recordPracticeAnswer(book, input('m1', 'right'))).toEqual({ kind: 'recorded', correct: true });
    expect(await getTally(inner, 'g1', 'u1')).toMatchObject({ answered: 1, correct: 1 });
    expect(await inner.get(classStatsKey('g1'))).toBeUndefined();
    expect(warnings).toEqual([{ err: new Error('disk full') }]);
  });
});

describe('who can remove the class stats', () => {
  it('a reset clears them with the tallies; forgetting one person leaves them (they name no one); the retention sweep deletes them', async () => {
    const { store } = await sqlite();
    const book = { store, standings: new Standings(systemClock), quiz: { forget: async () => [] } };
    await recordPracticeAnswer(book, { guildId: 'g1', userId: 'u1', userName: 'ann', messageId: 'm1', article: 'harbour-bridge', question, optionId: 'right', at: T0 });
    const before = await store.get(classStatsKey('g1'));
    expect(JSON.stringify(before)).not.toContain('u1');
    expect(JSON.stringify(before)).not.toContain('ann');

    await forgetPerson(book, 'g1', 'u1');
    expect(await getTally(store, 'g1', 'u1')).toBeUndefined();
    expect(await store.get(classStatsKey('g1'))).toEqual(before);

    await recordClassAnswers(store, 'g2', { ref: ref(1), answered: 1, correct: 1, at: T0 });
    await resetTallies(book, 'g1');
    expect(await store.get(classStatsKey('g1'))).toBeUndefined();
    expect(await store.get(classStatsKey('g2'))).toBeDefined();

    expect(guildDataKeys('g2').keys).toContain('class-stats:g2');
    await deleteGuildData(store, 'g2');
    expect(await store.get(classStatsKey('g2'))).toBeUndefined();
  });
});

describe('the class report’s figures', () => {
  const library = {
    article: (id: string) =>
      id === 'harbour-bridge' ? ({ question: (q: string) => (q === 'q-1' ? question : undefined) } as unknown as ReturnType<Parameters<typeof questionLabel>[1]['article']>) : undefined,
  };

  it('labels a question by its id, article and prompt, and a question no longer served by its ref', () => {
    expect(questionLabel(itemRef('harbour-bridge', 'q-1'), library)).toBe('q-1 (harbour-bridge): Who is quoted in ¶2?');
    expect(questionLabel(itemRef('harbour-bridge', 'gone'), library)).toBe('gone (harbour-bridge): no longer served');
  });

  it('lists questions answered 3 times or more, least often right first, with skills from the tallies and 8 weeks', async () => {
    const { store } = await sqlite();
    await recordClassAnswers(store, 'g1', { ref: ref(1), answered: 4, correct: 3, at: T0 });
    await recordClassAnswers(store, 'g1', { ref: ref(2), answered: 5, correct: 1, at: T0 - WEEK });
    await recordClassAnswers(store, 'g1', { ref: ref(3), answered: 2, correct: 0, at: T0 }); // too few answers to list
    await recordClassAnswers(store, 'g1', { ref: itemRef('harbour-bridge', 'q-1'), answered: 3, correct: 0, at: T0 });
    const tallies = [{ byCategory: { attribution: { answered: 10, correct: 4 } } }, { byCategory: { attribution: { answered: 2, correct: 2 }, verification: { answered: 1, correct: 0 } } }];
    const figures = classReportFigures({ stats: await getClassStats(store, 'g1'), tallies, library, now: T0, serverName: 'Media club' });
    expect(figures.input.missed.map((q) => [q.id, q.answered, q.correct])).toEqual([
      ['harbour-bridge/q-1', 3, 0],
      [ref(2), 5, 1],
      [ref(1), 4, 3],
    ]);
    expect(figures.input.missed[0]!.label).toBe('q-1 (harbour-bridge): Who is quoted in ¶2?');
    expect(figures.input.skills).toEqual({ attribution: { answered: 12, correct: 6 }, verification: { answered: 1, correct: 0 } });
    expect(figures.input.weeks.map((w) => w.answers)).toEqual([0, 0, 0, 0, 0, 0, 5, 9]);
    expect(figures.input.serverName).toBe('Media club');
    expect(figures.answered).toBe(13);
    expect(figures.questionAnswers).toBe(14);

    // The key names the figures: the same figures, the same key; one more answer, another.
    const again = classReportFigures({ stats: await getClassStats(store, 'g1'), tallies, library, now: T0, serverName: 'Media club' });
    expect(again.key).toBe(figures.key);
    await recordClassAnswers(store, 'g1', { ref: ref(3), answered: 1, correct: 1, at: T0 });
    expect(classReportFigures({ stats: await getClassStats(store, 'g1'), tallies, library, now: T0, serverName: 'Media club' }).key).not.toBe(figures.key);
    // A new week moves the window, and so the key.
    expect(classReportFigures({ stats: await getClassStats(store, 'g1'), tallies, library, now: T0 + WEEK, serverName: 'Media club' }).key).not.toBe(figures.key);
  });
});
