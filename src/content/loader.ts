import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Logger } from 'pino';
import { slugify } from './from-text.js';
import { ARTICLE_ID_MAX } from './schema.js';
import type { Content, Paragraph, QuestionFilter } from './types.js';
import { formatProblem, PACK_FILES, parsePack, type Pack, type Problem, type RawPack } from './validate.js';

export { DEFAULT_CONTENT_DIR } from './paths.js';

/** The pack failed validation; the message is the full report, one problem per line. */
export class ContentError extends Error {
  override readonly name = 'ContentError';
  constructor(readonly problems: readonly Problem[]) {
    super(problems.map(formatProblem).join('\n'));
  }
}

/** Lower-case, without accents, with curly quotes and apostrophes folded to straight ones. */
export function normalise(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[‘’‚‛′]/g, "'")
    .replace(/[“”„‟″]/g, '"')
    .toLowerCase()
    .replace(/\s+/g, ' ');
}

export async function readPack(dir: string): Promise<RawPack> {
  const entries = await Promise.all(
    PACK_FILES.map(async (file) => {
      const raw = await readFile(join(dir, file), 'utf8').catch((err: unknown) => err as Error);
      return [file, raw] as const;
    }),
  );
  return Object.fromEntries(entries) as RawPack;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** The article's id: its own, else its folder's name made into one (packs written before ids). */
export function articleIdOf(dir: string, pack: Pack): string {
  if (pack.article.id) return pack.article.id;
  const name = slugify(basename(dir)).slice(0, ARTICLE_ID_MAX).replace(/-+$/, '');
  return name || 'article';
}

/** The digest Content.version holds: of the four files as read (a missing one counts as empty). */
export function packVersion(raw: RawPack): string {
  const hash = createHash('sha256');
  for (const file of PACK_FILES) hash.update(`${file}\0${typeof raw[file] === 'string' ? raw[file] : ''}\0`);
  return hash.digest('hex').slice(0, 16);
}

export function buildContent(dir: string, pack: Pack, version = ''): Content {
  deepFreeze(pack);
  const paragraphs: readonly Paragraph[] = deepFreeze(
    pack.article.sections.flatMap((s) => s.paragraphs.map((p) => ({ n: p.n, text: p.text, heading: s.heading }))),
  );
  const folded = paragraphs.map((p) => normalise(p.text));
  const questions = pack.questions.questions;
  const prompts = pack.prompts.prompts;
  const attribution = pack.attribution.paragraphs;

  const content: Content = {
    id: articleIdOf(dir, pack),
    version,
    dir,
    title: pack.article.title,
    about: pack.article.about,
    provenance: pack.article.provenance,
    paragraphs,
    paragraph: (n) => paragraphs.find((p) => p.n === n),
    search(words) {
      const wanted = normalise(words).split(' ').filter(Boolean);
      if (wanted.length === 0) return undefined;
      const i = folded.findIndex((text) => wanted.every((w) => text.includes(w)));
      return paragraphs[i];
    },
    attribution: (n) => attribution.find((a) => a.paragraph === n),
    questions: (filter: QuestionFilter = {}) =>
      Object.freeze(
        questions.filter(
          (q) =>
            (filter.category === undefined || q.category === filter.category) &&
            (filter.difficulty === undefined || q.difficulty === filter.difficulty),
        ),
      ),
    question: (id) => questions.find((q) => q.id === id),
    prompts,
    prompt: (id) => prompts.find((p) => p.id === id),
  };
  return Object.freeze(content);
}

/** Loads one pack; throws a ContentError with its report when it has problems. */
export async function loadContent(dir: string, log?: Logger): Promise<Content> {
  const started = performance.now();
  const raw = await readPack(dir);
  const { pack, problems } = parsePack(raw);
  if (!pack) throw new ContentError(problems);
  const content = buildContent(dir, pack, packVersion(raw));
  log?.debug({ ms: Math.round(performance.now() - started), dir }, 'content loaded');
  return content;
}
