import { describe, expect, it } from 'vitest';
import { CATEGORIES } from '../src/content/schema.js';
import { CSV_HEADER, talliesToCsv } from '../src/quiz/csv.js';
import type { Tally } from '../src/quiz/tallies.js';

/** RFC 4180 reader, deliberately independent of the writer. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (cell += '"'), (i += 1);
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') row.push(cell), (cell = '');
    else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell), rows.push(row), (row = []), (cell = ''), (i += 1);
    } else cell += ch;
  }
  if (cell !== '' || row.length > 0) row.push(cell), rows.push(row);
  return rows;
}

const tally = (userId: string, userName: string, over: Partial<Tally> = {}): Tally => ({
  userId,
  userName,
  answered: 3,
  correct: 2,
  byCategory: { attribution: { answered: 2, correct: 2 }, verification: { answered: 1, correct: 0 } },
  streak: 0,
  bestStreak: 2,
  lastAnsweredAt: Date.UTC(2025, 0, 2, 3, 4, 5),
  firstAnsweredAt: 0,
  ...over,
});

describe('talliesToCsv', () => {
  const tallies = [
    tally('111', 'Plain'),
    tally('222', 'Comma, "quoted"\nand a new line', { answered: 7, correct: 0, byCategory: {} }),
    tally('333', 'Zoë 🦊', { answered: 3, correct: 1, streak: 1 }),
  ];

  it('round-trips through a CSV parser with every column matching the tallies', () => {
    const rows = parseCsv(talliesToCsv(tallies));
    expect(rows[0]).toEqual(CSV_HEADER);
    expect(rows[0]).toHaveLength(5 + 2 * CATEGORIES.length + 3);
    expect(rows).toHaveLength(tallies.length + 1);
    tallies.forEach((t, i) => {
      const record = Object.fromEntries(CSV_HEADER.map((name, c) => [name, rows[i + 1]![c]]));
      expect(record.user_id).toBe(t.userId);
      expect(record.user_name).toBe(t.userName);
      expect(Number(record.answered)).toBe(t.answered);
      expect(Number(record.correct)).toBe(t.correct);
      expect(Number(record.accuracy)).toBeCloseTo(t.correct / t.answered, 4);
      for (const c of CATEGORIES) {
        expect(Number(record[`${c}_answered`])).toBe(t.byCategory[c]?.answered ?? 0);
        expect(Number(record[`${c}_correct`])).toBe(t.byCategory[c]?.correct ?? 0);
      }
      expect(Number(record.streak)).toBe(t.streak);
      expect(Number(record.best_streak)).toBe(t.bestStreak);
      expect(record.last_answered).toBe('2025-01-02T03:04:05.000Z');
    });
  });

  it('neutralises names a spreadsheet would run as formulas', () => {
    const names = ['=HYPERLINK("http://evil","x")', '+1+1', '-2', '@SUM(A1)', '\tTab', 'Safe = fine', 'a-b'];
    const rows = parseCsv(talliesToCsv(names.map((n, i) => tally(String(i), n))));
    expect(rows.slice(1).map((r) => r[1])).toEqual([
      `'=HYPERLINK("http://evil","x")`,
      "'+1+1",
      "'-2",
      "'@SUM(A1)",
      "'\tTab",
      'Safe = fine',
      'a-b',
    ]);
  });

  it('writes only the header for no tallies', () => {
    expect(parseCsv(talliesToCsv([]))).toEqual([CSV_HEADER]);
  });
});
