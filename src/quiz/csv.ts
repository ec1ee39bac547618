import { CATEGORIES } from '../content/schema.js';
import type { Tally } from './tallies.js';

export const CSV_HEADER = [
  'user_id',
  'user_name',
  'answered',
  'correct',
  'accuracy',
  ...CATEGORIES.flatMap((c) => [`${c}_answered`, `${c}_correct`]),
  'streak',
  'best_streak',
  'last_answered',
];

/**
 * A spreadsheet runs a cell starting with = + - @ (or tab / CR) as a formula,
 * so such text gets a leading apostrophe. Only for text cells: numbers stay numbers.
 */
export function neutraliseFormula(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

export function csvCell(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * The article ids to give columns: the served ones in order, then any other id
 * the tallies name (an article no longer served), sorted.
 */
export function csvArticles(served: readonly string[], tallies: readonly Tally[]): string[] {
  const others = new Set<string>();
  for (const t of tallies) for (const id of Object.keys(t.byArticle ?? {})) if (!served.includes(id)) others.add(id);
  return [...served, ...[...others].sort()];
}

/**
 * RFC 4180 CSV (CRLF line ends, header row). Prepend '\uFEFF' if Excel must read
 * non-ASCII names. Per-article columns (`<article>_answered`, `<article>_correct`)
 * come after the fixed ones, so those keep their places whatever articles are
 * served; `extra` columns (the learning figures) come after those.
 */
export function talliesToCsv(
  tallies: readonly Tally[],
  articles: readonly string[] = [],
  extra?: { header: readonly string[]; cells: (userId: string) => ReadonlyArray<string | number> },
): string {
  const header = [...CSV_HEADER, ...articles.flatMap((a) => [`${a}_answered`, `${a}_correct`]), ...(extra?.header ?? [])];
  const rows = tallies.map((t) => [
    neutraliseFormula(t.userId),
    neutraliseFormula(t.userName),
    t.answered,
    t.correct,
    t.answered > 0 ? Number((t.correct / t.answered).toFixed(4)) : 0,
    ...CATEGORIES.flatMap((c) => [t.byCategory[c]?.answered ?? 0, t.byCategory[c]?.correct ?? 0]),
    t.streak,
    t.bestStreak,
    new Date(t.lastAnsweredAt).toISOString(),
    ...articles.flatMap((a) => [t.byArticle?.[a]?.answered ?? 0, t.byArticle?.[a]?.correct ?? 0]),
    ...(extra?.cells(t.userId) ?? []),
  ]);
  return [header, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
