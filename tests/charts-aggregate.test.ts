import { describe, expect, it } from 'vitest';
import { CATEGORIES } from '../src/content/schema.js';
import { mostMissed, serverSkillTotals, weeklyAnswerCounts, weekStart } from '../src/charts/aggregate.js';
import { reportAltText, scoreAltText, ALT_TEXT_MAX } from '../src/charts/alt-text.js';
import { classReportCsv } from '../src/charts/csv.js';
import type { ClassReportInput, SkillCounts } from '../src/charts/types.js';

const DAY = 86_400_000;

describe('serverSkillTotals', () => {
  it('sums answers and right answers per skill and counts the learners who answered each', () => {
    const totals = serverSkillTotals([
      { byCategory: { attribution: { answered: 4, correct: 3 }, verification: { answered: 2, correct: 0 } } },
      { byCategory: { attribution: { answered: 6, correct: 1 } } },
      { byCategory: {} },
    ]);
    expect(totals.attribution).toEqual({ answered: 10, correct: 4, learners: 2 });
    expect(totals.verification).toEqual({ answered: 2, correct: 0, learners: 1 });
    expect(totals['source-chain']).toEqual({ answered: 0, correct: 0, learners: 0 });
  });

  it('skips malformed records instead of turning the server figure into NaN', () => {
    const totals = serverSkillTotals([{ byCategory: { attribution: { answered: NaN, correct: 1 } } }, { byCategory: { attribution: { answered: 2, correct: 5 } } }]);
    expect(totals.attribution).toEqual({ answered: 2, correct: 2, learners: 1 });
  });

  it('handles 50,000 tallies within the chart budget (300 ms with the render; about 10 ms alone on a quiet machine)', () => {
    const tallies = Array.from({ length: 50_000 }, (_, i) => {
      const byCategory: SkillCounts = {};
      for (const [k, c] of CATEGORIES.entries()) if ((i + k) % 3 !== 0) byCategory[c] = { answered: 5 + (i % 7), correct: i % 5 };
      return { byCategory };
    });
    const started = performance.now();
    const totals = serverSkillTotals(tallies);
    const ms = performance.now() - started;
    let answered = 0;
    for (const t of tallies) answered += t.byCategory.attribution?.answered ?? 0;
    expect(totals.attribution.answered).toBe(answered);
    // Generous for a machine shared with other test files; a pass that grows faster than the number of tallies would take seconds.
    expect(ms).toBeLessThan(300);
  });
});

describe('weeks and most-missed questions', () => {
  it('counts answers into Monday-to-Sunday UTC weeks, oldest first, with empty weeks as 0', () => {
    const now = Date.UTC(2025, 2, 12, 15); // Wednesday 12 March 2025
    expect(new Date(weekStart(now)).toISOString()).toBe('2025-03-10T00:00:00.000Z');
    const weeks = weeklyAnswerCounts([now, Date.UTC(2025, 2, 10), Date.UTC(2025, 2, 9, 23, 59), now - 7 * 8 * DAY, NaN], now, 8);
    expect(weeks).toHaveLength(8);
    expect(weeks.map((w) => w.answers)).toEqual([0, 0, 0, 0, 0, 0, 1, 2]);
    expect(new Date(weeks[0]!.start).toISOString()).toBe('2025-01-20T00:00:00.000Z');
  });

  it('lists the lowest share right first, leaving out questions answered too rarely', () => {
    const list = mostMissed(
      [
        { label: 'a', answered: 10, correct: 9 },
        { label: 'b', answered: 10, correct: 2 },
        { label: 'c', answered: 1, correct: 0 },
        { label: 'd', answered: 20, correct: 4 },
      ],
      2,
    );
    expect(list.map((q) => q.label)).toEqual(['d', 'b']);
  });
});

const report = (labels = 10, label = (i: number) => `Q${i + 1} · Which source does paragraph ${i + 3} rely on, and is it named?`): ClassReportInput => ({
  serverName: 'Media club',
  skills: { attribution: { answered: 1200, correct: 744 }, verification: { answered: 10, correct: 5 } },
  weeks: [12, 40, 0, 85, 1120, 96, 150, 131].map((answers, i) => ({ start: Date.UTC(2025, 0, 6) + i * 7 * DAY, answers })),
  missed: Array.from({ length: labels }, (_, i) => ({ id: `article/q${i}`, label: label(i), answered: 30, correct: i })),
});

describe('alt text', () => {
  it('says every figure of the score chart in words, with the server average and calibration', () => {
    const text = scoreAltText({
      learner: { attribution: { answered: 3, correct: 2 } },
      server: { attribution: { answered: 40, correct: 10 } },
      calibration: { certain: { answered: 8, correct: 6 } },
    });
    expect(text).toContain('Attribution 67% of 3 (server 25%)');
    expect(text).toContain('Source chain no answers yet');
    expect(text).toContain('Certain 6 of 8 right (75%), ideal 100%');
    expect(text).toContain('Guessing no answers yet, ideal 25%');
  });

  it('says the report figures and stays within Discord’s 1,024 characters however long the labels', () => {
    const short = reportAltText(report(3, (i) => `Q${i}`));
    expect(short).toContain('Attribution 62% of 1,200');
    expect(short).toContain('12, 40, 0, 85, 1,120, 96, 150, 131 (1,634 in all)');
    expect(short).toContain('1. Q0: 0% of 30');
    const long = reportAltText(report(10, (i) => `Question ${i} ${'with a very long label '.repeat(20)}`));
    expect(long.length).toBeLessThanOrEqual(ALT_TEXT_MAX);
    expect(long).toContain('1,634 in all');
  });
});

describe('classReportCsv', () => {
  it('writes one row per figure with a BOM, CRLF ends, quoting and formula-looking labels neutralised', () => {
    const csv = classReportCsv(report(2, (i) => (i === 0 ? '=HYPERLINK("x")' : 'Who said it, and where?')));
    expect(csv.startsWith('\uFEFFsection,id,label,answered,correct,share_correct\r\n')).toBe(true);
    const lines = csv.slice(1).trimEnd().split('\r\n');
    expect(lines).toHaveLength(1 + 6 + 8 + 2);
    expect(lines).toContain('skill,attribution,Attribution,1200,744,0.62');
    expect(lines).toContain('skill,source-chain,Source chain,0,0,');
    expect(lines).toContain('week,2025-01-06,Week of 6 Jan,12,,');
    expect(lines).toContain(`most_missed,article/q0,"'=HYPERLINK(""x"")",30,0,0`);
    expect(lines).toContain('most_missed,article/q1,"Who said it, and where?",30,1,0.0333');
    expect(classReportCsv(report(0), { bom: false }).startsWith('section,')).toBe(true);
  });
});
