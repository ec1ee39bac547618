import { ARTICLE_ID_MAX, type ArticleFile, type AttributionFile } from './schema.js';
import { LIMITS } from './validate.js';

/**
 * A plain-text article turned into the start of a content pack: plain
 * functions, no file system, so the rules can be tested line by line and the
 * CLI (new.ts) only reads, writes and prints.
 *
 * The rules, in reading order:
 * - blank lines separate nothing but are otherwise ignored;
 * - the first non-empty line is the title; when it reads like a sentence
 *   (see isSubheading) it is also ¶1, because copies pasted from a web page
 *   often lose their headline and start with the first paragraph;
 * - a short line without closing punctuation is a subheading;
 * - every other line is a paragraph, numbered ¶1..¶N in order.
 */

/** A subheading is at most this long; longer lines are paragraphs whatever their ending. */
export const SUBHEADING_MAX = 120;
/** A title cut from a first paragraph keeps at most this many characters before its "…". */
export const TITLE_FROM_PARAGRAPH_MAX = 100;

/** How a sentence, or a quotation closing one, ends; a subheading has none of these last. */
const CLOSING = new Set(['.', '!', '?', ':', '”', '"', '’', "'", '…']);

export function isSubheading(line: string): boolean {
  return line.length > 0 && line.length <= SUBHEADING_MAX && !CLOSING.has(line.at(-1)!);
}

export interface TextSection {
  heading: string | null;
  paragraphs: { n: number; text: string }[];
}

export interface TextArticle {
  title: string;
  /** True when the first line read like a sentence: it is ¶1 and the title is cut from it. */
  titleFromParagraph: boolean;
  sections: TextSection[];
  /** Paragraphs longer than an embed description allows: content:check will refuse them. */
  longParagraphs: { n: number; length: number }[];
}

export type ParseResult = { ok: true; article: TextArticle } | { ok: false; message: string };

/** Cuts at a word boundary so the title stays readable; the writer is told to replace it. */
function shortTitle(text: string): string {
  if (text.length <= TITLE_FROM_PARAGRAPH_MAX) return text;
  const cut = text.slice(0, TITLE_FROM_PARAGRAPH_MAX);
  const space = cut.lastIndexOf(' ');
  return `${(space > TITLE_FROM_PARAGRAPH_MAX / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

export function parseArticleText(raw: string): ParseResult {
  // A UTF-8 byte-order mark (some Windows editors add one) and \r\n or \r line endings are the same text.
  const lines = raw
    .replace(/^\uFEFF/, '')
    .split(/\r\n|\r|\n/)
    .map((text, i) => ({ line: i + 1, text: text.trim() }))
    .filter((l) => l.text.length > 0);
  const first = lines[0];
  if (!first) return { ok: false, message: 'the file has no text: the first non-empty line should be the title, then the paragraphs' };

  const titleFromParagraph = !isSubheading(first.text);
  const body = titleFromParagraph ? lines : lines.slice(1);
  const sections: TextSection[] = [];
  let heading: { line: number; text: string } | undefined;
  let n = 0;
  for (const l of body) {
    if (isSubheading(l.text)) {
      if (heading) return { ok: false, message: orphan(heading) };
      heading = l;
      continue;
    }
    n += 1;
    if (heading || sections.length === 0) {
      sections.push({ heading: heading?.text ?? null, paragraphs: [] });
      heading = undefined;
    }
    sections.at(-1)!.paragraphs.push({ n, text: l.text });
  }
  if (n === 0) {
    return {
      ok: false,
      message: `the file has a title (“${first.text}”) but no paragraphs: a paragraph is a line that ends with . ! ? : or a closing quote, or is longer than ${SUBHEADING_MAX} characters`,
    };
  }
  if (heading) return { ok: false, message: orphan(heading) };
  const longParagraphs = sections
    .flatMap((s) => s.paragraphs)
    .filter((p) => p.text.length > LIMITS.embedDescription)
    .map((p) => ({ n: p.n, length: p.text.length }));
  return { ok: true, article: { title: titleFromParagraph ? shortTitle(first.text) : first.text, titleFromParagraph, sections, longParagraphs } };
}

function orphan(heading: { line: number; text: string }): string {
  return `line ${heading.line}: “${heading.text}” reads as a subheading (short, no closing punctuation) but no paragraph follows it; end it with punctuation if it is a paragraph, or remove it`;
}

/** A folder name from the title: lower-case ASCII letters, digits and dashes, at most 40 characters. */
export function slugify(title: string): string {
  const slug = title
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return slug.slice(0, 40).replace(/-+$/, '');
}

/** An article id made from a title: the slug, cut at a dash to fit ARTICLE_ID_MAX. */
export function articleIdFrom(title: string): string {
  const slug = slugify(title);
  if (slug.length <= ARTICLE_ID_MAX) return slug;
  const cut = slug.slice(0, ARTICLE_ID_MAX + 1);
  const dash = cut.lastIndexOf('-');
  return (dash > 0 ? cut.slice(0, dash) : slug.slice(0, ARTICLE_ID_MAX)).replace(/-+$/, '');
}

/** What --id accepts: the same shape as the slug, so the folder never escapes --out. */
export const PACK_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export const ABOUT_PLACEHOLDER =
  'TO WRITE: one or two sentences on what this article is and why the community reads it (to practise judging its sourcing, not to settle its subject).';
export const PROVENANCE_NOTE =
  'TO WRITE: the byline, outlet and date were not given with the text this pack was made from; fill them in from the original, or say here what this copy lacks.';

/**
 * The four pack files. Questions and prompts start empty: content:check passes
 * the pack with a warning, and the bot serves its excerpts and sources while
 * channels reading it answer /quiz and /prompt with "none yet".
 */
export function packFiles(article: TextArticle, id: string): {
  'article.json': ArticleFile;
  'attribution.json': AttributionFile;
  'questions.json': { $schema: string; questions: [] };
  'prompts.json': { $schema: string; prompts: [] };
} {
  return {
    'article.json': {
      $schema: './schemas/article.schema.json',
      id,
      title: article.title,
      about: ABOUT_PLACEHOLDER,
      provenance: { byline: null, outlet: null, date: null, notes: [PROVENANCE_NOTE] },
      sections: article.sections,
    },
    'attribution.json': {
      $schema: './schemas/attribution.schema.json',
      paragraphs: article.sections.flatMap((s) => s.paragraphs.map((p) => ({ paragraph: p.n, reviewed: false, claims: [], loadedTerms: [] }))),
    },
    'questions.json': { $schema: './schemas/questions.schema.json', questions: [] },
    'prompts.json': { $schema: './schemas/prompts.schema.json', prompts: [] },
  };
}

/** What the CLI prints after writing `dir`: what it found, then numbered steps. */
export function report(article: TextArticle, dir: string, files: readonly string[]): string {
  const paragraphs = article.sections.reduce((sum, s) => sum + s.paragraphs.length, 0);
  const headings = article.sections.filter((s) => s.heading !== null).length;
  const lines = [
    `Wrote ${dir}:`,
    ...files.map((f) => `  ${f}`),
    `Title: ${article.title}`,
    `${paragraphs} paragraph${paragraphs === 1 ? '' : 's'} under ${headings} subheading${headings === 1 ? '' : 's'}${article.sections[0]?.heading === null ? ' (and a lead section without one)' : ''}.`,
  ];
  if (article.titleFromParagraph) {
    lines.push('The first line reads like a sentence, so it is ¶1 and the title above was cut from it: replace the title in article.json.');
  }
  for (const p of article.longParagraphs) {
    lines.push(`¶${p.n} has ${p.length} characters; an embed description allows ${LIMITS.embedDescription}, so content:check will report it: split it into shorter paragraphs.`);
  }
  lines.push(
    '',
    'Next steps:',
    '1. In article.json, write "about" and fill "provenance" (byline, outlet, date and notes on what this copy lacks); both hold TO WRITE placeholders now.',
    '2. attribution.json lists every paragraph with no claims and no loaded terms, marked "reviewed": false. Add each claim (attributed with its chain of sources, or the author\'s assertion) with its exact words, and each loaded term with a neutral rewording.',
    '3. Write questions.json and prompts.json following README.md, "Content packs" (quotes copied exactly from the cited paragraphs, a "why" on every wrong option, options alike in length, the right answer\'s position varied). Both are empty now: content:check warns about it, and channels reading the article answer /quiz and /prompt with "none yet" until they are written.',
    `4. Run: npm run content:check ${dir}`,
    `5. Serve it: put the folder inside the packs folder CONTENT_DIR names (or set CONTENT_DIR=${dir} to serve it alone), then run /article reload or restart the bot. A moderator picks it for a channel with /article use.`,
  );
  return lines.join('\n');
}
