import { z } from 'zod';
import { CATEGORIES, type Category } from '../content/schema.js';

/** Answers and right answers: one skill of one learner, one confidence level, one question, or a sum of them. */
export interface Count {
  answered: number;
  correct: number;
}
export type SkillCounts = Partial<Record<Category, Count>>;

/** How sure a learner said they were before answering (the calibration panel). */
export const CONFIDENCE_LEVELS = ['guessing', 'fairly-sure', 'certain'] as const;
export type Confidence = (typeof CONFIDENCE_LEVELS)[number];
export const CONFIDENCE_LABELS: Record<Confidence, string> = { guessing: 'Guessing', 'fairly-sure': 'Fairly sure', certain: 'Certain' };
/**
 * The share right a well-calibrated learner would get at each level: a guess among
 * the four options of every question is right one time in four; "fairly sure"
 * reads as about three in four; "certain" as every time.
 */
export const IDEAL_SHARE_RIGHT: Record<Confidence, number> = { guessing: 0.25, 'fairly-sure': 0.75, certain: 1 };

/** `/quiz score`: one learner's accuracy per skill against the server's, and optionally their calibration. */
export interface ScoreChartInput {
  /** Shown in the title ("Alice: accuracy per skill"); "Your accuracy per skill" without it. */
  name?: string;
  learner: SkillCounts;
  /** The server's totals per skill (serverSkillTotals), marked on each bar as the server average. */
  server: SkillCounts;
  calibration?: Partial<Record<Confidence, Count>>;
}

/** One week of answers; `start` is the epoch ms of the week's first day (weeklyAnswerCounts makes these). */
export interface WeekCount {
  start: number;
  answers: number;
}

export interface QuestionCount extends Count {
  /** The question's stored id (<article>/<id>), for the CSV. */
  id?: string;
  /** A short human label (the chart cuts it to fit), e.g. "Q12 · Who said “one week”?". */
  label: string;
}

/** `/quiz-admin report`: the server's figures for moderators. */
export interface ClassReportInput {
  serverName?: string;
  skills: SkillCounts;
  /** Oldest first; the chart shows the last 8. */
  weeks: WeekCount[];
  /** Most-missed first (mostMissed sorts them); the chart shows the first 10. */
  missed: QuestionCount[];
}

// Inputs are checked before anything is drawn: NaN, negative or fractional counts,
// or more right answers than answers, come back as an `invalid-input` result.
const count = z.number().int().nonnegative();
const countSchema = z
  .object({ answered: count, correct: count })
  .refine((c) => c.correct <= c.answered, { message: 'correct is more than answered' });
const skillsSchema = z.partialRecord(z.enum(CATEGORIES), countSchema);

export const scoreChartInputSchema = z.object({
  name: z.string().max(100).optional(),
  learner: skillsSchema,
  server: skillsSchema,
  calibration: z.partialRecord(z.enum(CONFIDENCE_LEVELS), countSchema).optional(),
});

export const classReportInputSchema = z.object({
  serverName: z.string().max(100).optional(),
  skills: skillsSchema,
  weeks: z.array(z.object({ start: z.number().int(), answers: count })).max(520),
  missed: z.array(z.object({ id: z.string().optional(), label: z.string(), answered: count, correct: count }).refine((c) => c.correct <= c.answered, { message: 'correct is more than answered' })).max(1000),
});
