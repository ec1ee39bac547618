import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { bankCoverage } from '../src/content/coverage.js';
import { DEFAULT_CONTENT_DIR, readPack } from '../src/content/loader.js';
import { formatValidityReport } from '../src/content/report.js';
import { CATEGORIES, type Question } from '../src/content/schema.js';
import { formatProblem, parsePack, type Pack } from '../src/content/validate.js';
import { assessBank, hasAbsence } from '../src/content/validity.js';

let pack: Pack;
let bank: Question[];
beforeAll(async () => {
  const checked = parsePack(await readPack(DEFAULT_CONTENT_DIR));
  expect(checked.problems.map(formatProblem)).toEqual([]);
  pack = checked.pack!;
  bank = pack.questions.questions;
});

const clone = (): Question[] => structuredClone(bank);
/** The problems a pack would have with this question bank instead of its own. */
async function problemsWith(questions: Question[]): Promise<string[]> {
  const raw = await readPack(DEFAULT_CONTENT_DIR);
  raw['questions.json'] = JSON.stringify({ questions });
  return parsePack(raw).problems.map(formatProblem);
}
const right = (q: Question) => q.options.find((o) => o.correct)!;
const wrongs = (q: Question) => q.options.filter((o) => !o.correct);

describe('the bundled bank measures reading, not test-wiseness', () => {
  it('passes every bank rule, with each guessing strategy at 40% or less', () => {
    const report = assessBank(bank);
    expect(report.failures).toEqual([]);
    for (const score of Object.values(report.strategies)) expect(score).toBeLessThanOrEqual(0.4);
  });

  it('has figures that a direct count of the pack confirms', () => {
    const report = assessBank(bank);
    // Counted here without the module's helpers: right option strictly longer than every wrong one.
    const longest = bank.filter((q) => wrongs(q).every((o) => right(q).text.length > o.text.length)).length;
    expect(report.longestCorrect).toBeCloseTo(longest / bank.length, 10);
    const firstPosition = bank.filter((q) => q.options[0]!.correct).length;
    expect(report.positions[0]).toBeCloseTo(firstPosition / bank.length, 10);
    const rightAbsent = bank.filter((q) => /\b(no|not|none|unknown|unclear|unnamed|missing)\b/i.test(right(q).text)).length;
    expect(report.absence.correct).toBeGreaterThanOrEqual(rightAbsent / bank.length);
  });

  it('has at least 60 questions, 9 per skill with every difficulty, and feedback on every wrong option', () => {
    expect(bank.length).toBeGreaterThanOrEqual(60);
    for (const c of CATEGORIES) {
      const inSkill = bank.filter((q) => q.category === c);
      expect(inSkill.length, c).toBeGreaterThanOrEqual(9);
      expect(new Set(inSkill.map((q) => q.difficulty)).size, c).toBe(3);
    }
    for (const q of bank) for (const o of wrongs(q)) expect(o.why, `${q.id}/${o.id}`).toBeTruthy();
  });

  it('cites every paragraph in at least three questions and asks about every heading', () => {
    const paragraphs = pack.article.sections.flatMap((s) => s.paragraphs.map((p) => p.n));
    const headings = pack.article.sections.flatMap((s) => (s.heading ? [s.heading] : []));
    const coverage = bankCoverage(bank, paragraphs, headings);
    for (const [n, count] of coverage.byParagraph) expect(count, `¶${n}`).toBeGreaterThanOrEqual(3);
    for (const [heading, count] of coverage.byHeading) expect(count, heading).toBeGreaterThanOrEqual(1);
  });

  it('applies the checks to the outlets and quoted speakers too, and credits what the text provides in a third of questions', () => {
    const others = bank.filter((q) => q.examines === 'outlets' || q.examines === 'quoted');
    expect(others.length).toBeGreaterThanOrEqual(10);
    expect(bank.filter((q) => q.credits).length).toBeGreaterThanOrEqual(bank.length / 3);
  });

  it('says what this copy shows rather than faulting the article for lost links', () => {
    for (const q of bank) {
      const texts = [q.prompt, q.explanation, ...q.options.flatMap((o) => [o.text, o.why ?? ''])].join(' ');
      expect(texts, q.id).not.toMatch(/\bunlinked\b|\b(the author|the article|it) (gives|provides|includes|offers) no links?\b/i);
    }
  });

  it('shows the figures content:check prints in the README, recomputed from the pack', async () => {
    const paragraphs = pack.article.sections.flatMap((s) => s.paragraphs.map((p) => p.n));
    const headings = pack.article.sections.flatMap((s) => (s.heading ? [s.heading] : []));
    const printed = formatValidityReport(assessBank(bank), bankCoverage(bank, paragraphs, headings));
    const readme = await readFile(fileURLToPath(new URL('../README.md', import.meta.url)), 'utf8');
    expect(readme).toContain(printed);
  });
});

describe('a guessable bank fails the check, naming the rule and its figure', () => {
  it('every right option lengthened: the longest-option rule and strategy fail', async () => {
    const questions = clone();
    for (const q of questions) right(q).text = `${right(q).text}, as the cited sentence in the article shows`.slice(0, 76);
    const problems = await problemsWith(questions);
    expect(problems).toContainEqual(expect.stringMatching(/^questions\.json: validity: the right option is the strictly longest in \d+% of questions \(at most 30%\)$/));
    expect(problems).toContainEqual(expect.stringMatching(/^questions\.json: validity: the test-wise strategy "always the longest option" scores \d+% \(at most 40%\)$/));
  });

  it('right options that all fault the article: the absence rule and the "faults the article" strategy fail', async () => {
    const questions = clone();
    for (const q of questions) if (!hasAbsence(right(q).text)) right(q).text = `Not ${right(q).text}`.slice(0, 76);
    const problems = await problemsWith(questions);
    expect(problems).toContainEqual(expect.stringMatching(/^questions\.json: validity: right options use absence wording in 100% of questions against \d+% of wrong options \(at most 1\.5× as often\)$/));
    expect(problems).toContainEqual(expect.stringMatching(/strategy "always the option that faults the article \(absence wording, else longest\)" scores \d+%/));
  });

  it('the right option always first: the position rule fails', async () => {
    const questions = clone();
    for (const q of questions) q.options.sort((a, b) => Number(b.correct) - Number(a.correct));
    expect(await problemsWith(questions)).toContainEqual('questions.json: validity: the right option is at position 1 in 100% of questions (at most 40%)');
  });

  it('right options that echo the question: the echo strategy fails', async () => {
    const questions = clone();
    for (const q of questions) right(q).text = (q.prompt.match(/\p{L}{4,}/gu) ?? []).slice(0, 8).join(' ').slice(0, 76) || right(q).text;
    expect(await problemsWith(questions)).toContainEqual(expect.stringMatching(/strategy "always the option sharing the most words with the question" scores \d+%/));
  });

  it('a wrong option without feedback is refused', async () => {
    const questions = clone();
    const option = wrongs(questions[0]!)[0]!;
    delete option.why;
    expect(await problemsWith(questions)).toEqual([
      `questions.json: questions[0] (${questions[0]!.id}).options[${questions[0]!.options.indexOf(option)}] (${option.id}).why: a wrong option needs a "why": what choosing it overlooks`,
    ]);
  });
});

describe('assessBank', () => {
  const q = (id: string, texts: string[], correct: number): Question => ({
    id,
    category: 'attribution',
    difficulty: 1,
    prompt: 'Who said it?',
    options: texts.map((text, i) => ({ id: `o${i}`, text, correct: i === correct, ...(i === correct ? {} : { why: 'x' }) })),
    cites: [1],
    quotes: ['q'],
    explanation: 'e',
  });

  it('shares a tie among the tied options: two equally long options give the longest strategy half a point', () => {
    const report = assessBank([q('a', ['same', 'same', 'x'], 0)]);
    expect(report.strategies.longest).toBe(0.5);
  });

  it('warns per question when the right option is more than 1.4× the longest distractor', () => {
    const report = assessBank([q('long', ['a'.repeat(15), 'b'.repeat(10), 'c'.repeat(10)], 0), q('fine', ['a'.repeat(14), 'b'.repeat(10)], 0)]);
    expect(report.warnings).toEqual([{ id: 'long', message: 'the right option is 1.50× the longest distractor (keep it under 1.4×)' }]);
  });

  it('judges no bank of fewer than five questions, but still reports its figures', () => {
    const report = assessBank([q('a', ['long one', 'b'], 0)]);
    expect(report.longestCorrect).toBe(1);
    expect(report.failures).toEqual([]);
  });
});
