import { CONFIDENCE_LEVELS, RATING_LIMIT, type Confidence, type Rating } from './state.js';

/** The chance of being right each level claims: the mapping behind the calibration figure. */
export const CONFIDENCE_VALUE: Readonly<Record<Confidence, number>> = { guessing: 1 / 3, 'fairly-sure': 2 / 3, certain: 1 };
/** Fewer rated answers than this say too little about a person's calibration. */
export const MIN_RATED = 10;
/**
 * Mean confidence minus accuracy beyond ±0.1 is a verdict: one level of
 * confidence apart is 0.33, so 0.1 is about a third of a level, and with 10
 * answers it is one answer's difference in accuracy.
 */
export const CALIBRATION_THRESHOLD = 0.1;

/** The ratings with one more, or 'already-rated' when that answer has a rating (then nothing changes). */
export function addRating(ratings: readonly Rating[], rating: Rating): Rating[] | 'already-rated' {
  if (ratings.some((r) => r.answerKey === rating.answerKey)) return 'already-rated';
  return [...ratings, rating].slice(-RATING_LIMIT);
}

export interface LevelStats {
  answered: number;
  right: number;
  /** right / answered; null when none answered. */
  share: number | null;
}

export type CalibrationVerdict = 'over-confident' | 'under-confident' | 'well-calibrated';

export type Calibration = {
  byLevel: Record<Confidence, LevelStats>;
  rated: number;
} & (
  | { kind: 'too-few'; /** How many more rated answers give a verdict. */ needed: number }
  | {
      kind: 'verdict';
      meanConfidence: number;
      accuracy: number;
      /** meanConfidence - accuracy: above 0 claims more than it gets right. */
      figure: number;
      verdict: CalibrationVerdict;
    }
);

/** How well the person's confidence matches their results (see CONFIDENCE_VALUE, MIN_RATED, CALIBRATION_THRESHOLD). */
export function calibration(ratings: readonly Rating[]): Calibration {
  const byLevel = Object.fromEntries(
    CONFIDENCE_LEVELS.map((level) => {
      const of = ratings.filter((r) => r.level === level);
      const right = of.filter((r) => r.correct).length;
      return [level, { answered: of.length, right, share: of.length > 0 ? right / of.length : null }];
    }),
  ) as Record<Confidence, LevelStats>;
  const rated = ratings.length;
  if (rated < MIN_RATED) return { byLevel, rated, kind: 'too-few', needed: MIN_RATED - rated };
  const meanConfidence = ratings.reduce((sum, r) => sum + CONFIDENCE_VALUE[r.level], 0) / rated;
  const accuracy = ratings.filter((r) => r.correct).length / rated;
  // Rounded so that sums of thirds land exactly on the threshold when they should (1 - 0.9 is 0.09999999999999998).
  const figure = Math.round((meanConfidence - accuracy) * 1e9) / 1e9;
  const verdict: CalibrationVerdict = figure > CALIBRATION_THRESHOLD ? 'over-confident' : figure < -CALIBRATION_THRESHOLD ? 'under-confident' : 'well-calibrated';
  return { byLevel, rated, kind: 'verdict', meanConfidence, accuracy, figure, verdict };
}
