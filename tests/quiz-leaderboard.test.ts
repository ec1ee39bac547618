import { describe, expect, it } from 'vitest';
import { compareTallies, leaderboard, renderLeaderboard, renderTallySummary, summariseTally } from '../src/quiz/leaderboard.js';
import type { Tally } from '../src/quiz/tallies.js';

const tally = (userId: string, correct: number, answered: number, lastCorrectAt?: number, over: Partial<Tally> = {}): Tally => ({
  userId,
  userName: `Name ${userId}`,
  answered,
  correct,
  byCategory: {},
  streak: 0,
  bestStreak: 0,
  lastAnsweredAt: 10_000,
  firstAnsweredAt: 0,
  ...(lastCorrectAt === undefined ? {} : { lastCorrectAt }),
  ...over,
});

describe('leaderboard', () => {
  it('ranks by correct, then accuracy, then who reached the score first, then user id', () => {
    const tallies = [
      tally('late', 5, 10, 900),
      tally('early', 5, 10, 100),
      tally('accurate', 5, 6, 999),
      tally('most', 7, 20, 999),
      tally('twin-b', 5, 10, 100),
      tally('none', 0, 4),
      tally('none-a', 0, 4),
    ];
    const { top } = leaderboard(tallies, 'nobody');
    expect(top.map((s) => s.userId)).toEqual(['most', 'accurate', 'early', 'twin-b', 'late', 'none', 'none-a']);
    expect(top.map((s) => s.rank)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(top[1]).toEqual({ rank: 2, userId: 'accurate', userName: 'Name accurate', correct: 5, answered: 6, accuracy: 5 / 6 });
  });

  it('shows the caller with their rank when outside the top 10', () => {
    const tallies = Array.from({ length: 25 }, (_, i) => tally(`u${String(i).padStart(2, '0')}`, 100 - i, 100, 1));
    const board = leaderboard(tallies.reverse(), 'u17');
    expect(board.top).toHaveLength(10);
    expect(board.top.map((s) => s.userId)).toEqual(['u00', 'u01', 'u02', 'u03', 'u04', 'u05', 'u06', 'u07', 'u08', 'u09']);
    expect(board.caller).toMatchObject({ rank: 18, userId: 'u17', correct: 83 });
    expect(board.total).toBe(25);
    expect(leaderboard(tallies, 'u03').caller).toBeUndefined();
    expect(leaderboard(tallies, 'stranger').caller).toBeUndefined();
  });

  // Its speed is measured by `npm run bench`, not here: a unit test on a loaded machine is no timer.
  it('ranks 50,000 tallies exactly as a full sort would, the caller included', () => {
    let seed = 42;
    const rng = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const tallies = Array.from({ length: 50_000 }, (_, i) => {
      const answered = 1 + Math.floor(rng() * 200);
      return tally(`u${i}`, Math.floor(rng() * answered), answered, Math.floor(rng() * 1e9));
    });
    const caller = 'u31337';
    const board = leaderboard(tallies, caller);

    const sorted = [...tallies].sort(compareTallies);
    expect(board.top.map((s) => s.userId)).toEqual(sorted.slice(0, 10).map((t) => t.userId));
    expect(board.caller?.rank).toBe(sorted.findIndex((t) => t.userId === caller) + 1);
  });

  it('renders names without letting them restyle the board', () => {
    const text = renderLeaderboard(leaderboard([tally('a', 3, 4, 1, { userName: '**boss** <@123>' })], 'a'));
    expect(text).toBe('1. \\*\\*boss\\*\\* \\<@123\\>: 3/4 correct (75%)');
    expect(renderLeaderboard(leaderboard([], 'a'))).toMatch(/No one/);
  });
});

describe('summariseTally', () => {
  const t = tally('u', 7, 10, 5, {
    streak: 2,
    bestStreak: 4,
    byCategory: { attribution: { answered: 4, correct: 4 }, 'quote-integrity': { answered: 3, correct: 1 }, verification: { answered: 3, correct: 2 } },
  });

  it('gives totals, per-category lines, streaks and the weakest category with a suggestion', () => {
    const s = summariseTally(t);
    expect(s).toMatchObject({ answered: 10, correct: 7, accuracy: 0.7, streak: 2, bestStreak: 4 });
    expect(s.categories).toHaveLength(6);
    expect(s.categories.find((c) => c.category === 'quote-integrity')).toMatchObject({ answered: 3, correct: 1, label: 'Quote integrity' });
    expect(s.weakest).toMatchObject({ category: 'quote-integrity', reason: 'lowest-accuracy', suggestion: 'Try `/quiz practice category:quote-integrity`' });
    const text = renderTallySummary(s);
    expect(text).toContain('7/10 correct (70%)');
    expect(text).toContain('Quote integrity: 1/3 (33%)');
    expect(text).toContain('Source chain: not tried yet');
    expect(text).toContain('Current streak: 2 (best 4)');
    expect(text).toContain('Weakest: Quote integrity (1/3, 33%). Try `/quiz practice category:quote-integrity`.');
  });

  it('suggests a category never tried when everything tried is perfect', () => {
    const s = summariseTally(tally('u', 4, 4, 5, { byCategory: { 'source-chain': { answered: 4, correct: 4 } } }));
    expect(s.weakest).toMatchObject({ category: 'attribution', reason: 'never-tried' });
  });

  it('does not call 199/200 a perfect 100%', () => {
    expect(renderTallySummary(summariseTally(tally('u', 199, 200, 5)))).toContain('199/200 correct (99%)');
  });
});
