/** Pure sums over tallies and answers, shaped for the charts. No I/O, no discord.js. */
import { CATEGORIES, type Category } from '../content/schema.js';
import type { Count, QuestionCount, SkillCounts, WeekCount } from './types.js';

export interface SkillTotal extends Count {
  /** How many learners answered at least one question of the skill. */
  learners: number;
}

/**
 * The server's figures per skill from its tallies: answers and right answers
 * summed over every learner (the server average is correct / answered, so each
 * answer weighs the same), and how many learners answered the skill. One pass,
 * no allocation per tally: 50,000 tallies take a few milliseconds.
 */
export function serverSkillTotals(tallies: Iterable<{ readonly byCategory: Readonly<SkillCounts> }>): Record<Category, SkillTotal> {
  const answered = new Float64Array(CATEGORIES.length);
  const correct = new Float64Array(CATEGORIES.length);
  const learners = new Float64Array(CATEGORIES.length);
  for (const tally of tallies) {
    const by = tally.byCategory;
    for (let i = 0; i < CATEGORIES.length; i++) {
      const c = by[CATEGORIES[i]!];
      // A malformed record (NaN, negative) is skipped rather than poisoning the server's figure.
      if (c === undefined || !(c.answered > 0) || !(c.correct >= 0)) continue;
      answered[i]! += c.answered;
      correct[i]! += Math.min(c.correct, c.answered);
      learners[i]! += 1;
    }
  }
  const out = {} as Record<Category, SkillTotal>;
  CATEGORIES.forEach((category, i) => (out[category] = { answered: answered[i]!, correct: correct[i]!, learners: learners[i]! }));
  return out;
}

/** Share right, 0..1, or undefined when nothing was answered. */
export function shareRight(c: Count | undefined): number | undefined {
  return c && c.answered > 0 ? c.correct / c.answered : undefined;
}

const DAY = 86_400_000;
const WEEK = 7 * DAY;

/** Epoch ms of the Monday 00:00 UTC that starts the week holding `at`. */
export function weekStart(at: number): number {
  const day = Math.floor(at / DAY);
  // 1 January 1970 was a Thursday: day 0 is weekday 3 counted from Monday.
  return (day - ((day + 3) % 7)) * DAY;
}

/**
 * Answers per week for the `weeks` weeks ending with the one holding `now`
 * (Monday-to-Sunday, UTC), oldest first; weeks without answers count 0, and
 * answer times outside the span are left out.
 */
export function weeklyAnswerCounts(times: Iterable<number>, now: number, weeks = 8): WeekCount[] {
  const last = weekStart(now);
  const first = last - (weeks - 1) * WEEK;
  const counts = new Array<number>(weeks).fill(0);
  for (const at of times) {
    if (!Number.isFinite(at)) continue;
    const i = Math.floor((at - first) / WEEK);
    if (i >= 0 && i < weeks) counts[i]! += 1;
  }
  return counts.map((answers, i) => ({ start: first + i * WEEK, answers }));
}

/**
 * The `n` questions with the lowest share right, among those answered at least
 * `minAnswered` times (one unlucky answer should not top the list); ties go to
 * the question answered more often.
 */
export function mostMissed<Q extends QuestionCount>(questions: Iterable<Q>, n = 10, minAnswered = 3): Q[] {
  return [...questions]
    .filter((q) => q.answered >= minAnswered && q.answered > 0)
    .sort((a, b) => a.correct / a.answered - b.correct / b.answered || b.answered - a.answered)
    .slice(0, n);
}
