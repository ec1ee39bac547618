/** The figures of `/quiz-admin report`: the picture's input and the cache key that names it. */
import { createHash } from 'node:crypto';
import { mostMissed, serverSkillTotals, type ClassReportInput, type QuestionCount, type SkillCounts } from '../charts/index.js';
import { parseRef, type ItemRef } from '../content/refs.js';
import { CATEGORIES } from '../content/schema.js';
import type { Library } from '../content/library.js';
import { lastWeeks, type ClassStats } from './class-stats.js';
import type { Tally } from './tallies.js';

/** Weeks shown, and questions listed (the chart and the CSV show the same). */
export const REPORT_WEEKS = 8;
export const REPORT_MISSED = 10;

/**
 * "chain-01 (global-health-passport): ¶1 reports the offer…": the question's id
 * and article first, so the chart, which cuts labels short, still says which
 * question it is; a question no longer served is named by its ref.
 */
export function questionLabel(ref: ItemRef, library: Pick<Library, 'article'>): string {
  const parts = parseRef(ref);
  if (!parts) return ref;
  const question = library.article(parts.article)?.question(parts.id);
  return `${parts.id} (${parts.article}): ${question ? question.prompt.replace(/\s+/g, ' ').trim() : 'no longer served'}`;
}

export interface ClassReportFigures {
  input: ClassReportInput;
  /** A digest of the input: equal keys draw the same picture. */
  key: string;
  /** Answers counted in the tallies and in the per-question figures: 0 and 0 is a server with nothing to report. */
  answered: number;
  questionAnswers: number;
}

export function classReportFigures(args: { stats: ClassStats; tallies: Iterable<Pick<Tally, 'byCategory'>>; library: Pick<Library, 'article'>; now: number; serverName?: string }): ClassReportFigures {
  const totals = serverSkillTotals(args.tallies);
  const skills: SkillCounts = {};
  let answered = 0;
  for (const c of CATEGORIES) {
    if (totals[c].answered > 0) skills[c] = { answered: totals[c].answered, correct: totals[c].correct };
    answered += totals[c].answered;
  }
  const questions: QuestionCount[] = (Object.entries(args.stats.questions) as Array<[ItemRef, { answered: number; correct: number }]>)
    // Sorted by ref first, so questions tied on share and answers come in the same order every time.
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([ref, c]) => ({ id: ref, label: questionLabel(ref, args.library), answered: c.answered, correct: Math.min(c.correct, c.answered) }));
  const input: ClassReportInput = {
    ...(args.serverName ? { serverName: args.serverName.slice(0, 100) } : {}),
    skills,
    weeks: lastWeeks(args.stats, args.now, REPORT_WEEKS),
    missed: mostMissed(questions, REPORT_MISSED),
  };
  const key = createHash('sha256').update(JSON.stringify(input)).digest('base64url');
  return { input, key, answered, questionAnswers: questions.reduce((sum, q) => sum + q.answered, 0) };
}
