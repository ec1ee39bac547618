/** A plain-text table that reads well in a terminal and pasted into Markdown (it is one). */
export interface Row {
  measurement: string;
  baseline: string;
  bot: string;
  ratio: string;
  target: string;
  status: string;
}

const HEAD: Row = { measurement: 'Measurement', baseline: 'Baseline', bot: 'Bot', ratio: 'Bot/Baseline', target: 'Target', status: 'Status' };
const KEYS = Object.keys(HEAD) as Array<keyof Row>;

export function renderTable(rows: Row[]): string {
  const all = [HEAD, ...rows];
  const width = KEYS.map((k) => Math.max(...all.map((r) => [...r[k]].length)));
  const line = (r: Row) => `| ${KEYS.map((k, i) => r[k] + ' '.repeat(width[i]! - [...r[k]].length)).join(' | ')} |`;
  const rule = `|${width.map((w) => '-'.repeat(w + 2)).join('|')}|`;
  return [line(HEAD), rule, ...rows.map(line)].join('\n');
}

/** The same layout for any columns: `head` names them, each row gives one cell per column. */
export function renderGrid(head: string[], rows: string[][]): string {
  const all = [head, ...rows];
  const width = head.map((_, i) => Math.max(...all.map((r) => [...(r[i] ?? '')].length)));
  const line = (r: string[]) => `| ${head.map((_, i) => (r[i] ?? '') + ' '.repeat(width[i]! - [...(r[i] ?? '')].length)).join(' | ')} |`;
  const rule = `|${width.map((w) => '-'.repeat(w + 2)).join('|')}|`;
  return [line(head), rule, ...rows.map(line)].join('\n');
}
