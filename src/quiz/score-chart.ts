/** The figures of the `/quiz score` picture, and the cache key that names them. */
import { CATEGORIES } from '../content/schema.js';
import { serverSkillTotals, type ScoreChartInput, type SkillCounts } from '../charts/index.js';
import type { Calibration } from '../learning/confidence.js';
import type { Rating } from '../learning/state.js';
import type { Tally } from './tallies.js';

export interface ScoreChartFigures {
  input: ScoreChartInput;
  /** Changes whenever anything drawn does (see ChartOptions.key). */
  key: string;
}

/**
 * The learner's accuracy per skill against the server's (every tally in it,
 * theirs included), and the calibration panel once their confidence figures
 * are shown (a verdict: enough ratings). `name` titles someone else's chart.
 */
export function scoreChartFigures(args: {
  guildId: string;
  tally: Tally;
  serverTallies: Iterable<Pick<Tally, 'byCategory'>>;
  calibration: Calibration;
  ratings: readonly Rating[];
  name?: string;
}): ScoreChartFigures {
  const { guildId, tally, calibration, ratings, name } = args;
  const totals = serverSkillTotals(args.serverTallies);
  const server: SkillCounts = {};
  let serverAnswered = 0;
  let serverCorrect = 0;
  for (const c of CATEGORIES) {
    const { answered, correct } = totals[c];
    if (answered > 0) server[c] = { answered, correct };
    serverAnswered += answered;
    serverCorrect += correct;
  }
  const learner: SkillCounts = {};
  for (const c of CATEGORIES) {
    const mine = tally.byCategory[c];
    if (mine && mine.answered > 0) learner[c] = { answered: mine.answered, correct: Math.min(mine.correct, mine.answered) };
  }
  const input: ScoreChartInput = { learner, server, ...(name ? { name: name.slice(0, 100) } : {}) };
  if (calibration.kind === 'verdict') {
    input.calibration = Object.fromEntries(Object.entries(calibration.byLevel).map(([level, s]) => [level, { answered: s.answered, correct: s.right }]));
  }
  // The learner's data changes with each answer (count and time) and each rating (count, and the last
  // one's time once the count stops at its limit); the server's with any answer in it.
  const last = ratings.at(-1);
  const key = [guildId, tally.userId, tally.answered, tally.lastAnsweredAt, ratings.length, last?.at ?? 0, last?.answerKey ?? '', serverAnswered, serverCorrect, name ?? ''].join(':');
  return { input, key };
}
