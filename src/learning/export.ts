import { dueCount } from './boxes.js';
import { calibration } from './confidence.js';
import type { LearningState } from './state.js';

export interface LearningFigures {
  /** Mean confidence minus accuracy (see calibration); null until MIN_RATED answers are rated. */
  calibration: number | null;
  /** Boxed questions due now. */
  due: number;
}

/** Extra columns for `/quiz-admin export`, after the tally columns. */
export const LEARNING_CSV_HEADER = ['calibration', 'due_reviews'] as const;

/** Per user, the calibration figure and the due count at `now`. */
export function learningFigures(states: Iterable<readonly [string, LearningState]>, now: number): Map<string, LearningFigures> {
  const out = new Map<string, LearningFigures>();
  for (const [userId, state] of states) {
    const c = calibration(state.ratings);
    out.set(userId, { calibration: c.kind === 'verdict' ? c.figure : null, due: dueCount(state, now) });
  }
  return out;
}

/**
 * The cells under LEARNING_CSV_HEADER for one user: the figure to 4 decimals
 * (like the accuracy column) or empty while there are too few ratings, and the
 * due count; a user without learning data gets an empty figure and 0 due.
 */
export function learningCsvCells(figures: LearningFigures | undefined): [string | number, number] {
  return [figures?.calibration == null ? '' : Number(figures.calibration.toFixed(4)), figures?.due ?? 0];
}
