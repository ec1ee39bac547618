import type { Question } from './schema.js';

/**
 * Whether a question bank measures reading or test-wiseness. The figures come
 * from the options alone, as a guesser who never reads the article sees them;
 * the limits follow ../CONTENT-GUIDE (item-writing guidelines). Plain data in,
 * plain data out: content:check prints it and the loader refuses a failing bank.
 */

export const VALIDITY_LIMITS = {
  /** Share of questions whose right answer is the strictly longest option. */
  longestCorrect: 0.3,
  /** Right options may use absence wording at most this many times as often as wrong ones. */
  absenceRatio: 1.5,
  /** Share of questions whose right answer sits at the most common position. */
  samePosition: 0.4,
  /** Expected score of each test-wise strategy. */
  strategy: 0.4,
  /** Per question: right option longer than this times the longest distractor. */
  lengthWarning: 1.4,
  /** Below this many questions, shares are too noisy to judge a bank. */
  minQuestions: 5,
} as const;

/** Words that say something is missing or unknown: the wording a "doubt everything" guesser picks. */
export const ABSENCE =
  /\b(?:no|not|none|no one|nobody|nothing|never|unknown|unclear|unnamed|unstated|missing|without|cannot|can[’']t|isn[’']t|doesn[’']t|don[’']t|didn[’']t|aren[’']t|wasn[’']t)\b/i;

export const hasAbsence = (text: string): boolean => ABSENCE.test(text);

const words = (text: string): Set<string> => new Set(text.toLowerCase().match(/\p{L}{4,}/gu) ?? []);

/** Expected score of picking uniformly among the options that maximise `score`. */
function expected(question: Question, score: (text: string) => number): number {
  const scores = question.options.map((o) => score(o.text));
  const best = Math.max(...scores);
  const picks = question.options.filter((_, i) => scores[i] === best);
  return picks.filter((o) => o.correct).length / picks.length;
}

/** The guesser's strategies: each sees only the question and its options. */
export const STRATEGIES = {
  longest: { label: 'always the longest option', score: (q: Question) => expected(q, (t) => t.length) },
  faults: {
    label: 'always the option that faults the article (absence wording, else longest)',
    score: (q: Question) => {
      const any = q.options.some((o) => hasAbsence(o.text));
      // Absence wording outranks any length; among equals the longest wins.
      return expected(q, (t) => (any && hasAbsence(t) ? 1e6 : 0) + t.length);
    },
  },
  echo: {
    label: 'always the option sharing the most words with the question',
    score: (q: Question) => {
      const asked = words(q.prompt);
      return expected(q, (t) => [...words(t)].filter((w) => asked.has(w)).length);
    },
  },
} as const;
export type StrategyName = keyof typeof STRATEGIES;

export interface ValidityReport {
  questions: number;
  /** Share of questions whose right option is strictly the longest. */
  longestCorrect: number;
  /** Share of right options, and of wrong options, with absence wording. */
  absence: { correct: number; wrong: number };
  /** Share of questions whose right option sits at each file position. */
  positions: number[];
  strategies: Record<StrategyName, number>;
  /** Bank-level rules that failed: the rule and its figure. */
  failures: string[];
  /** Per-question notes that do not fail the bank. */
  warnings: Array<{ id: string; message: string }>;
}

const pct = (x: number) => `${Math.round(x * 100)}%`;
const share = (n: number, of: number) => (of === 0 ? 0 : n / of);

export function assessBank(questions: readonly Question[]): ValidityReport {
  const n = questions.length;
  const L = VALIDITY_LIMITS;
  const warnings: ValidityReport['warnings'] = [];
  let longest = 0;
  let correctAbsent = 0;
  let wrongAbsent = 0;
  let wrongTotal = 0;
  const atPosition: number[] = [];
  for (const q of questions) {
    const right = q.options.find((o) => o.correct);
    const wrong = q.options.filter((o) => !o.correct);
    if (!right || wrong.length === 0) continue;
    const longestWrong = Math.max(...wrong.map((o) => o.text.length));
    if (right.text.length > longestWrong) longest += 1;
    if (right.text.length > L.lengthWarning * longestWrong) {
      warnings.push({ id: q.id, message: `the right option is ${(right.text.length / longestWrong).toFixed(2)}× the longest distractor (keep it under ${L.lengthWarning}×)` });
    }
    for (const o of wrong) {
      if (!o.why) warnings.push({ id: q.id, message: `option "${o.id}" is wrong and has no "why": whoever picks it gets no feedback` });
    }
    if (hasAbsence(right.text)) correctAbsent += 1;
    wrongAbsent += wrong.filter((o) => hasAbsence(o.text)).length;
    wrongTotal += wrong.length;
    const position = q.options.indexOf(right);
    atPosition[position] = (atPosition[position] ?? 0) + 1;
  }
  const positions = Array.from(atPosition, (count) => share(count ?? 0, n));
  const strategies = Object.fromEntries(
    Object.entries(STRATEGIES).map(([name, s]) => [name, share(questions.reduce((sum, q) => sum + s.score(q), 0), n)]),
  ) as Record<StrategyName, number>;
  const report: ValidityReport = {
    questions: n,
    longestCorrect: share(longest, n),
    absence: { correct: share(correctAbsent, n), wrong: share(wrongAbsent, wrongTotal) },
    positions,
    strategies,
    failures: [],
    warnings,
  };
  if (n < L.minQuestions) return report;
  const fail = (message: string) => report.failures.push(message);
  if (report.longestCorrect > L.longestCorrect) {
    fail(`the right option is the strictly longest in ${pct(report.longestCorrect)} of questions (at most ${pct(L.longestCorrect)})`);
  }
  const { correct, wrong } = report.absence;
  if (correct > 0 && correct > L.absenceRatio * wrong) {
    fail(`right options use absence wording in ${pct(correct)} of questions against ${pct(wrong)} of wrong options (at most ${L.absenceRatio}× as often)`);
  }
  const top = Math.max(0, ...positions);
  if (top > L.samePosition) {
    fail(`the right option is at position ${positions.indexOf(top) + 1} in ${pct(top)} of questions (at most ${pct(L.samePosition)})`);
  }
  for (const [name, score] of Object.entries(strategies) as Array<[StrategyName, number]>) {
    if (score > L.strategy) fail(`the test-wise strategy "${STRATEGIES[name].label}" scores ${pct(score)} (at most ${pct(L.strategy)})`);
  }
  return report;
}

export { pct as percent };
