/** The learning lines of `/quiz score`: reviews due, and confidence against results. */
import { MIN_RATED, type Calibration, type CalibrationVerdict } from '../learning/confidence.js';
import { CONFIDENCE_LEVELS, type Confidence } from '../learning/state.js';
import { formatPercent } from '../quiz/summary.js';
import { plural } from './text.js';

export const CONFIDENCE_NAMES: Readonly<Record<Confidence, string>> = { guessing: 'Guessing', 'fairly-sure': 'Fairly sure', certain: 'Certain' };

/** Whose figures: the asker's own ("you") or someone else's ("they"). */
export type Person = 'you' | 'they';

/** "Due for review: 3 questions." (questions answered wrong, or right, whose spacing has run out). */
export function renderDueLine(due: number): string {
  return `Due for review: ${due === 0 ? 'none right now' : plural(due, 'question')}.`;
}

const VERDICTS: Record<CalibrationVerdict, Record<Person, string>> = {
  'over-confident': {
    you: 'You tend to be over-confident: you feel surer than your results bear out.',
    they: 'They tend to be over-confident: they feel surer than their results bear out.',
  },
  'under-confident': {
    you: 'You tend to be under-confident: you are right more often than you feel.',
    they: 'They tend to be under-confident: they are right more often than they feel.',
  },
  'well-calibrated': {
    you: 'Your confidence matches your results well.',
    they: 'Their confidence matches their results well.',
  },
};

/**
 * With MIN_RATED ratings or more: right answers per confidence level
 * ("Certain: right 14 of 20 (70%)") and one calibration line. With fewer:
 * how many more ratings give the figures, or nothing for someone who has
 * rated none (confidence rating is optional).
 */
export function renderConfidenceLines(c: Calibration, person: Person): string {
  if (c.kind === 'too-few') {
    if (c.rated === 0) return '';
    const whose = person === 'you' ? 'your' : 'their';
    return `Confidence: ${plural(c.rated, 'answer')} rated so far; ${c.needed} more and this shows how ${whose} confidence matches ${whose} results (it takes ${MIN_RATED}).`;
  }
  const levels = CONFIDENCE_LEVELS.map((level) => {
    const s = c.byLevel[level];
    return s.answered === 0 ? `${CONFIDENCE_NAMES[level]}: no rated answers` : `${CONFIDENCE_NAMES[level]}: right ${s.right} of ${s.answered} (${formatPercent(s.right / s.answered)})`;
  });
  return ['Confidence:', ...levels, VERDICTS[c.verdict][person]].join('\n');
}
