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
