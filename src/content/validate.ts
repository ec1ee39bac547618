import type { z } from 'zod';
import { describeJsonError } from './json-error.js';
import { bankCoverage, type Coverage } from './coverage.js';
import { assessBank, type ValidityReport } from './validity.js';
import {
  articleSchema,
  attributionSchema,
  promptsSchema,
  questionsSchema,
  type ArticleFile,
  type AttributionFile,
  type Question,
} from './schema.js';

export const PACK_FILES = ['article.json', 'attribution.json', 'questions.json', 'prompts.json'] as const;
export type PackFileName = (typeof PACK_FILES)[number];

/** Each file's raw text, or the error met while reading it. */
export type RawPack = Record<PackFileName, string | Error>;

export interface Pack {
  article: ArticleFile;
  attribution: AttributionFile;
  questions: { questions: Question[] };
  prompts: z.infer<typeof promptsSchema>;
}

export interface Problem {
  file: string;
  path: string;
  message: string;
}

/** Discord's limits, as the bot renders the pack. */
export const LIMITS = {
  embedDescription: 4096,
  embedField: 1024,
  message: 2000,
  buttonLabel: 80,
  /** The bot prefixes every option label with "A. ", "B. "... */
  labelPrefix: 3,
  /** 80 less the prefix, with one character spare. */
  optionText: 76,
} as const;

/** Length of a question as the bot renders it in an embed description: prompt, blank line, "A. option" lines. */
export function questionDescriptionLength(q: Question): number {
  return q.prompt.length + 2 + q.options.reduce((sum, o) => sum + LIMITS.labelPrefix + o.text.length + 1, 0);
}

/** Length of the reveal field: the explanation, then each quote on its own line as `> “…” (¶12)`. */
export function revealFieldLength(q: Question): number {
  return q.explanation.length + q.quotes.reduce((sum, quote) => sum + quote.length + 12, 0);
}

export function formatProblem(p: Problem): string {
  return p.path ? `${p.file}: ${p.path}: ${p.message}` : `${p.file}: ${p.message}`;
}

/**
 * "questions[3] (chain-04)": an array item by index and by the name a writer
 * searches the file for, its id (or its paragraph number).
 */
export function item(array: string, index: number, name: string | undefined): string {
  return name ? `${array}[${index}] (${name})` : `${array}[${index}]`;
}

function nameOf(node: unknown): string | undefined {
  if (!node || typeof node !== 'object') return undefined;
  const { id, n, paragraph } = node as Record<string, unknown>;
  if (typeof id === 'string' && id) return id;
  const number = typeof paragraph === 'number' ? paragraph : n;
  return typeof number === 'number' ? `¶${number}` : undefined;
}

/** The path of a problem zod found, with each array item named from the file's own JSON. */
function formatPath(path: readonly PropertyKey[], json: unknown): string {
  let node = json;
  let out = '';
  for (const key of path) {
    node = node && typeof node === 'object' ? (node as Record<PropertyKey, unknown>)[key] : undefined;
    if (typeof key === 'number') out = item(out, key, nameOf(node));
    else out = out ? `${out}.${String(key)}` : String(key);
  }
  return out;
}

const schemas = {
  'article.json': articleSchema,
  'attribution.json': attributionSchema,
  'questions.json': questionsSchema,
  'prompts.json': promptsSchema,
} as const;

function parseFile(file: PackFileName, raw: string | Error, problems: Problem[]): unknown {
  if (raw instanceof Error) {
    problems.push({ file, path: '', message: `cannot read: ${raw.message}` });
    return undefined;
  }
  // Some Windows editors start a UTF-8 file with a byte-order mark, which JSON.parse refuses.
  const text = raw.replace(/^\uFEFF/, '');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    problems.push({ file, path: '', message: `not valid JSON at ${describeJsonError(text, err as Error)}` });
    return undefined;
  }
  const result = schemas[file].safeParse(json);
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    problems.push({ file, path: formatPath(issue.path, json), message: issue.message });
  }
  return undefined;
}

const pilcrows = (ns: readonly number[]): string => {
  const names = ns.map((n) => `¶${n}`);
  return names.length > 1 ? `${names.slice(0, -1).join(', ')} or ${names.at(-1)}` : (names[0] ?? '');
};

interface ArticleTexts {
  paragraphs: Map<number, string>;
  headings: string[];
}

function checkArticle(article: ArticleFile, problems: Problem[]): ArticleTexts {
  const file = 'article.json';
  const texts = new Map<number, string>();
  article.sections.forEach((section, s) => {
    if (s > 0 && section.heading === null) {
      problems.push({ file, path: `sections[${s}].heading`, message: 'only the first section may have no heading' });
    }
    section.paragraphs.forEach((p, i) => {
      const path = item(`sections[${s}].paragraphs`, i, `¶${p.n}`);
      const expected = texts.size + 1;
      if (p.n !== expected) {
        problems.push({ file, path: `${path}.n`, message: `expected ¶${expected} here, found ¶${p.n} (paragraphs are numbered 1..N in reading order)` });
      }
      if (p.text.length > LIMITS.embedDescription) {
        problems.push({ file, path: `${path}.text`, message: `${p.text.length} characters; an embed description allows ${LIMITS.embedDescription}` });
      }
      texts.set(expected, p.text);
    });
  });
  const headings = article.sections.flatMap((s) => (s.heading === null ? [] : [s.heading]));
  return { paragraphs: texts, headings };
}

function checkCites(file: string, path: string, cites: readonly number[], texts: Map<number, string>, problems: Problem[]): void {
  cites.forEach((n, i) => {
    if (!texts.has(n)) problems.push({ file, path: `${path}[${i}]`, message: `no ¶${n} in the article (it has ¶1–${texts.size})` });
  });
}

/** `path` names the item with its id; `at` is the same place without it, for "first at". */
function checkUniqueIds(file: string, items: { id: string; path: string; at: string }[], problems: Problem[]): void {
  const seen = new Map<string, string>();
  for (const { id, path, at } of items) {
    const first = seen.get(id);
    if (first) problems.push({ file, path: `${path}.id`, message: `duplicate id "${id}" (first at ${first})` });
    else seen.set(id, at);
  }
}

function checkAttribution(attribution: AttributionFile, texts: Map<number, string>, problems: Problem[]): void {
  const file = 'attribution.json';
  const seen = new Set<number>();
  attribution.paragraphs.forEach((entry, i) => {
    const path = item('paragraphs', i, `¶${entry.paragraph}`);
    const text = texts.get(entry.paragraph);
    if (text === undefined) {
      problems.push({ file, path: `${path}.paragraph`, message: `no ¶${entry.paragraph} in the article (it has ¶1–${texts.size})` });
    } else if (seen.has(entry.paragraph)) {
      problems.push({ file, path: `${path}.paragraph`, message: `¶${entry.paragraph} appears more than once` });
    }
    seen.add(entry.paragraph);
    entry.claims.forEach((claim, c) => {
      if (text !== undefined && !text.includes(claim.quote)) {
        problems.push({ file, path: `${item(`${path}.claims`, c, claim.id)}.quote`, message: `not found in ¶${entry.paragraph}` });
      }
    });
  });
  for (const n of texts.keys()) {
    if (!seen.has(n)) problems.push({ file, path: 'paragraphs', message: `no entry for ¶${n}` });
  }
  const claims = attribution.paragraphs.flatMap((entry, i) =>
    entry.claims.map((claim, c) => {
      const claims = `${item('paragraphs', i, `¶${entry.paragraph}`)}.claims`;
      return { id: claim.id, path: item(claims, c, claim.id), at: item(claims, c, undefined) };
    }),
  );
  checkUniqueIds(file, claims, problems);
}

function checkQuestion(q: Question, path: string, article: ArticleTexts | undefined, problems: Problem[]): void {
  const file = 'questions.json';
  const correct = q.options.filter((o) => o.correct).length;
  if (correct !== 1) {
    problems.push({ file, path: `${path}.options`, message: `${correct} options are marked correct; exactly one must be` });
  }
  const seen = new Map<string, number>();
  const ids = new Map<string, number>();
  q.options.forEach((o, i) => {
    const option = item(`${path}.options`, i, o.id);
    const firstId = ids.get(o.id);
    if (firstId !== undefined) problems.push({ file, path: `${option}.id`, message: `same id "${o.id}" as options[${firstId}]` });
    else ids.set(o.id, i);
    const key = o.text.trim().replace(/\s+/g, ' ').toLowerCase();
    const first = seen.get(key);
    if (first !== undefined) problems.push({ file, path: `${option}.text`, message: `same text as ${item('options', first, q.options[first]?.id)}` });
    else seen.set(key, i);
    if (o.text.length > LIMITS.optionText) {
      problems.push({ file, path: `${option}.text`, message: `${o.text.length} characters; a button label allows ${LIMITS.optionText} after the bot's "A. " prefix` });
    }
  });
  const description = questionDescriptionLength(q);
  if (description > LIMITS.embedDescription) {
    problems.push({ file, path: `${path}.prompt`, message: `prompt and options render to ${description} characters; an embed description allows ${LIMITS.embedDescription}` });
  }
  const field = revealFieldLength(q);
  if (field > LIMITS.embedField) {
    problems.push({ file, path: `${path}.explanation`, message: `explanation and quotes render to ${field} characters; an embed field allows ${LIMITS.embedField}` });
  }
  if (!article) return;
  const texts = article.paragraphs;
  checkCites(file, `${path}.cites`, q.cites, texts, problems);
  const headings = (q.headings ?? []).filter((h, i) => {
    const known = article.headings.includes(h);
    if (!known) problems.push({ file, path: `${path}.headings[${i}]`, message: `no subheading “${h}” in the article` });
    return known;
  });
  const cited = q.cites.filter((n) => texts.has(n));
  const sources = [...cited.map((n) => texts.get(n)!), ...headings];
  q.quotes.forEach((quote, i) => {
    if (cited.length > 0 && !sources.some((text) => text.includes(quote))) {
      const where = headings.length ? `${pilcrows(cited)} or the cited headings` : pilcrows(cited);
      problems.push({ file, path: `${path}.quotes[${i}]`, message: `not found in ${where}` });
    }
  });
}

/**
 * Options are known by id (buttons and tallies name them). A pack written
 * before options had ids gets them from their position, o1, o2…, which stay
 * stable as long as the file keeps its order.
 */
function normaliseOptions(file: z.infer<typeof questionsSchema> | undefined): Pack['questions'] | undefined {
  if (!file) return undefined;
  const questions = file.questions.map((q) => {
    const taken = new Set(q.options.flatMap((o) => (o.id === undefined ? [] : [o.id])));
    const options = q.options.map((o, i) => {
      if (o.id !== undefined) return { ...o, id: o.id };
      let id = `o${i + 1}`;
      while (taken.has(id)) id = `${id}x`;
      taken.add(id);
      return { ...o, id };
    });
    return { ...q, options };
  });
  return { ...file, questions };
}

/** Parses and checks the four files of a pack; `pack` is set only when there are no problems. */
export interface PackCheck {
  pack: Pack | undefined;
  problems: Problem[];
  /** The bank's validity figures, when questions.json parsed. */
  validity?: { report: ValidityReport; coverage: Coverage } | undefined;
  /** What does not stop the pack from loading but leaves part of it unusable (an empty bank, say). */
  warnings: string[];
}

export function parsePack(raw: RawPack): PackCheck {
  const problems: Problem[] = [];
  const article = parseFile('article.json', raw['article.json'], problems) as Pack['article'] | undefined;
  const attribution = parseFile('attribution.json', raw['attribution.json'], problems) as Pack['attribution'] | undefined;
  const questions = normaliseOptions(parseFile('questions.json', raw['questions.json'], problems) as z.infer<typeof questionsSchema> | undefined);
  const prompts = parseFile('prompts.json', raw['prompts.json'], problems) as Pack['prompts'] | undefined;

  // Cross-file checks need the paragraphs; without a readable article they would only add noise.
  const checked = article ? checkArticle(article, problems) : undefined;
  const texts = checked?.paragraphs;
  if (attribution && texts) checkAttribution(attribution, texts, problems);
  let validity: PackCheck['validity'];
  if (questions) {
    questions.questions.forEach((q, i) => checkQuestion(q, item('questions', i, q.id), checked, problems));
    checkUniqueIds('questions.json', questions.questions.map((q, i) => ({ id: q.id, path: item('questions', i, q.id), at: item('questions', i, undefined) })), problems);
    // The bank is judged as a guesser sees it; a bank a guesser wins measures nothing, so it fails the pack.
    const report = assessBank(questions.questions);
    const coverage = bankCoverage(questions.questions, [...(texts?.keys() ?? [])], checked?.headings ?? []);
    for (const failure of report.failures) problems.push({ file: 'questions.json', path: '', message: `validity: ${failure}` });
    validity = { report, coverage };
  }
  if (prompts) {
    prompts.prompts.forEach((p, i) => {
      const path = item('prompts', i, p.id);
      if (p.text.length > LIMITS.message) {
        problems.push({ file: 'prompts.json', path: `${path}.text`, message: `${p.text.length} characters; a message allows ${LIMITS.message}` });
      }
      if (texts) checkCites('prompts.json', `${path}.cites`, p.cites, texts, problems);
    });
    checkUniqueIds('prompts.json', prompts.prompts.map((p, i) => ({ id: p.id, path: item('prompts', i, p.id), at: item('prompts', i, undefined) })), problems);
  }
  // A pack just made by content:new has no questions or prompts yet; it may be served (its
  // excerpts and sources work) while they are written, and its channels are told so.
  const warnings: string[] = [];
  if (questions?.questions.length === 0) warnings.push('questions.json has no questions yet: /quiz in a channel using this article says so');
  if (prompts?.prompts.length === 0) warnings.push('prompts.json has no prompts yet: /prompt in a channel using this article says so');
  const unreviewed = attribution?.paragraphs.filter((p) => p.reviewed === false).map((p) => `¶${p.paragraph}`) ?? [];
  if (unreviewed.length) warnings.push(`attribution.json: ${unreviewed.length} paragraph${unreviewed.length === 1 ? '' : 's'} not reviewed yet ("reviewed": false): ${unreviewed.join(' ')}`);
  const ok = problems.length === 0 && article && attribution && questions && prompts;
  return { pack: ok ? { article, attribution, questions, prompts } : undefined, problems, validity, warnings };
}

export function validatePack(raw: RawPack): Problem[] {
  return parsePack(raw).problems;
}
