/**
 * The class report's figures as CSV, for moderators who want them in a
 * spreadsheet: one tidy table, a row per figure, with the same escaping as the
 * tallies export (formula-looking text neutralised, RFC 4180 quoting, CRLF).
 */
import { CATEGORIES, CATEGORY_LABELS } from '../content/schema.js';
import { csvCell, neutraliseFormula } from '../quiz/csv.js';
import { weekLabel } from './format.js';
import type { ClassReportInput, Count } from './types.js';

export const REPORT_CSV_HEADER = ['section', 'id', 'label', 'answered', 'correct', 'share_correct'] as const;

const share = (c: Count) => (c.answered > 0 ? Number((c.correct / c.answered).toFixed(4)) : '');

/**
 * Sections: `skill` (every skill, the server's answers and right answers),
 * `week` (answers per week, id = the Monday it starts, UTC; correct is empty) and
 * `most_missed` (in the report's order). Starts with a byte-order mark by
 * default, so Excel reads non-ASCII labels as UTF-8.
 */
export function classReportCsv(input: ClassReportInput, { bom = true, weeks = 8, missed = 10 } = {}): string {
  const rows: Array<Array<string | number>> = [];
  for (const c of CATEGORIES) {
    const count = input.skills[c] ?? { answered: 0, correct: 0 };
    rows.push(['skill', c, CATEGORY_LABELS[c], count.answered, count.correct, share(count)]);
  }
  for (const w of input.weeks.slice(-weeks)) {
    rows.push(['week', new Date(w.start).toISOString().slice(0, 10), `Week of ${weekLabel(w.start)}`, w.answers, '', '']);
  }
  for (const q of input.missed.slice(0, missed)) {
    rows.push(['most_missed', neutraliseFormula(q.id ?? ''), neutraliseFormula(q.label), q.answered, q.correct, share(q)]);
  }
  const text = [[...REPORT_CSV_HEADER], ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
  return bom ? `\uFEFF${text}` : text;
}
