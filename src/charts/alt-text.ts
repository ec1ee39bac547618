/**
 * Alt text: the figures of each picture in words, for screen readers and for
 * anyone whose image does not load. It becomes the attachment's description,
 * which Discord caps at 1,024 characters: long lists are shortened step by step
 * (labels first), and the last resort is a cut marked with "…".
 */
import { CATEGORY_LABELS } from '../content/schema.js';
import { fit } from '../render/text.js';
import { shareRight } from './aggregate.js';
import { percent, shareOf, shortLabel, skillOrder, thousands, weekLabel } from './format.js';
import { CONFIDENCE_LABELS, CONFIDENCE_LEVELS, IDEAL_SHARE_RIGHT, type ClassReportInput, type ScoreChartInput } from './types.js';

export const ALT_TEXT_MAX = 1024;

export function scoreAltText(input: ScoreChartInput): string {
  const who = input.name ? `${input.name}'s` : 'Your';
  const skills = skillOrder().map((c) => {
    const server = shareRight(input.server[c]);
    return `${CATEGORY_LABELS[c]} ${shareOf(input.learner[c])}${server === undefined ? '' : ` (server ${percent(server)})`}`;
  });
  const parts = [`${who} accuracy per skill, with the server average: ${skills.join('; ')}.`];
  if (input.calibration) {
    const levels = CONFIDENCE_LEVELS.map((level) => {
      const c = input.calibration?.[level];
      const share = shareRight(c);
      const figure = share === undefined ? 'no answers yet' : `${thousands(c!.correct)} of ${thousands(c!.answered)} right (${percent(share)})`;
      return `${CONFIDENCE_LABELS[level]} ${figure}, ideal ${percent(IDEAL_SHARE_RIGHT[level])}`;
    });
    parts.push(`Calibration, share right by how sure: ${levels.join('; ')}.`);
  }
  return fit(parts.join(' '), ALT_TEXT_MAX);
}

export function reportAltText(input: ClassReportInput, labelMax = 60): string {
  const skills = skillOrder().map((c) => `${CATEGORY_LABELS[c]} ${shareOf(input.skills[c])}`);
  const weeks = input.weeks.slice(-8);
  const total = weeks.reduce((sum, w) => sum + w.answers, 0);
  const weekText = weeks.length
    ? `Answers per week, the last ${weeks.length} from the week of ${weekLabel(weeks[0]!.start)}: ${weeks.map((w) => thousands(w.answers)).join(', ')} (${thousands(total)} in all).`
    : 'No answers per week yet.';
  const missed = input.missed.slice(0, 10);
  const missedText = missed.length
    ? `Most-missed questions, share right: ${missed.map((q, i) => `${i + 1}. ${shortLabel(q.label, labelMax)}: ${shareOf(q)}`).join('; ')}.`
    : 'No question has been answered often enough to list the most missed.';
  const text = [`Class report${input.serverName ? ` for ${input.serverName}` : ''}. Accuracy per skill across the server: ${skills.join('; ')}.`, weekText, missedText].join(' ');
  // Too long: the question labels give way first, down to a few words each.
  if (text.length > ALT_TEXT_MAX && labelMax > 16) return reportAltText(input, labelMax - 12);
  return fit(text, ALT_TEXT_MAX);
}
