import type { Coverage } from './coverage.js';
import { CATEGORY_LABELS, CATEGORIES } from './schema.js';
import { percent, STRATEGIES, VALIDITY_LIMITS as L, type StrategyName, type ValidityReport } from './validity.js';

/** The validity report as content:check prints it: the figures always, passing or not. */
export function formatValidityReport(report: ValidityReport, coverage: Coverage): string {
  const lines: string[] = [`Question bank: ${report.questions} questions`];
  lines.push('  Skills (easy / medium / hard):');
  for (const c of CATEGORIES) {
    const [e, m, h] = coverage.bySkill[c];
    lines.push(`    ${CATEGORY_LABELS[c]}: ${e + m + h} (${e} / ${m} / ${h})`);
  }
  const cited = [...coverage.byParagraph].map(([n, count]) => `¶${n} ${count}`).join(', ');
  lines.push(`  Questions citing each paragraph: ${cited}`);
  for (const [heading, count] of coverage.byHeading) lines.push(`  Asking about the heading “${heading}”: ${count}`);
  const ex = coverage.examines;
  lines.push(`  Whose claims are checked: author ${ex.author}, outlets ${ex.outlets}, quoted speakers ${ex.quoted}${ex.unmarked ? `, unmarked ${ex.unmarked}` : ''}`);
  lines.push(`  Right answer credits what the text provides: ${coverage.credits} of ${report.questions} (${percent(report.questions ? coverage.credits / report.questions : 0)})`);
  lines.push('  Test-wiseness:');
  lines.push(`    right option strictly the longest: ${percent(report.longestCorrect)} (limit ${percent(L.longestCorrect)})`);
  lines.push(`    absence wording: right options ${percent(report.absence.correct)}, wrong options ${percent(report.absence.wrong)} (limit ${L.absenceRatio}×)`);
  lines.push(`    right option by position: ${report.positions.map((p, i) => `${i + 1}: ${percent(p)}`).join(', ')} (limit ${percent(L.samePosition)})`);
  for (const [name, score] of Object.entries(report.strategies) as Array<[StrategyName, number]>) {
    lines.push(`    strategy “${STRATEGIES[name].label}”: ${percent(score)} (limit ${percent(L.strategy)})`);
  }
  if (report.questions < L.minQuestions) lines.push(`  Too few questions (under ${L.minQuestions}) to judge the bank's figures.`);
  for (const w of report.warnings) lines.push(`  warning: ${w.id}: ${w.message}`);
  lines.push(report.failures.length ? `  FAILED: ${report.failures.length} bank rule(s) broken` : '  Bank rules: passed');
  return lines.join('\n');
}
