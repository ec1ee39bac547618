import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Logger } from 'pino';
import { buildContent, packVersion, readPack } from './loader.js';
import { formatValidityReport } from './report.js';
import type { Content } from './types.js';
import { formatProblem, PACK_FILES, parsePack, type Problem } from './validate.js';

/** A pack of the folder that was not served, with the report content:check would print for it. */
export interface NotLoaded {
  readonly dir: string;
  /** The pack's folder name (its id is unknown when article.json is broken). */
  readonly name: string;
  readonly problems: readonly Problem[];
  readonly report: string;
}

/** The articles being served, in folder order; the first is every server's default until one picks another. */
export interface Library {
  readonly dir: string;
  readonly articles: readonly Content[];
  readonly first: Content;
  readonly notLoaded: readonly NotLoaded[];
  /** Packs served in the version read earlier because their current files have problems (after a reload). */
  readonly stale: readonly NotLoaded[];
  /** Warnings of the served packs (an empty bank, say), per article id. */
  readonly warnings: ReadonlyMap<string, readonly string[]>;
  article(id: string): Content | undefined;
}

/** No pack could be served; the message holds every pack's full report. */
export class LibraryError extends Error {
  override readonly name = 'LibraryError';
  constructor(
    readonly dir: string,
    readonly notLoaded: readonly NotLoaded[],
    detail?: string,
  ) {
    super(detail ?? [`No valid content pack in ${dir}.`, ...notLoaded.map((n) => `\n${n.name} (${n.dir}):\n${n.report}`)].join('\n'));
  }
}

const exists = (path: string) => stat(path).then((s) => s.isFile(), () => false);

/**
 * CONTENT_DIR names one pack (it holds article.json or another pack file) or a
 * folder whose sub-folders are packs. A sub-folder holding none of the pack
 * files is not a pack (a `drafts` folder, say) and is skipped; one holding some
 * is a pack, and reported if it is half-written.
 */
export async function packDirs(dir: string): Promise<string[]> {
  const own = await Promise.all(PACK_FILES.map((f) => exists(join(dir, f))));
  if (own.some(Boolean)) return [dir];
  const entries = await readdir(dir, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    throw new LibraryError(dir, [], `CONTENT_DIR ${dir} cannot be read: ${error.code === 'ENOENT' ? 'no such folder' : error.message}.`);
  });
  const subs = entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => join(dir, e.name));
  const packs: string[] = [];
  for (const sub of subs.sort()) {
    const files = await Promise.all(PACK_FILES.map((f) => exists(join(sub, f))));
    if (files.some(Boolean)) packs.push(sub);
  }
  return packs;
}

function reportOf(problems: readonly Problem[], validity: ReturnType<typeof parsePack>['validity']): string {
  const lines = problems.map(formatProblem);
  if (validity) lines.push(formatValidityReport(validity.report, validity.coverage));
  return `${problems.length} problem${problems.length === 1 ? '' : 's'}:\n${lines.join('\n')}`;
}

/**
 * Reads and checks every pack; the valid ones are served, each invalid one is
 * kept with its report. Throws a LibraryError when none is valid (the bot then
 * refuses to start, or a reload keeps the library it has).
 */
export async function loadLibrary(dir: string, log?: Logger): Promise<Library> {
  const started = performance.now();
  const dirs = await packDirs(dir);
  const articles: Content[] = [];
  const notLoaded: NotLoaded[] = [];
  const warnings = new Map<string, readonly string[]>();
  for (const packDir of dirs) {
    const raw = await readPack(packDir);
    const { pack, problems, validity, warnings: packWarnings } = parsePack(raw);
    let failed = problems;
    let content: Content | undefined;
    if (pack) {
      content = buildContent(packDir, pack, packVersion(raw));
      const twin = articles.find((a) => a.id === content!.id);
      if (twin) failed = [{ file: 'article.json', path: 'id', message: `"${content.id}" is already the id of the pack in ${twin.dir}; ids must be unique` }];
    }
    if (content && failed.length === 0) {
      articles.push(content);
      if (packWarnings.length > 0) warnings.set(content.id, packWarnings);
      for (const warning of packWarnings) log?.warn({ article: content.id, dir: packDir }, warning);
    } else {
      const entry = { dir: packDir, name: basename(packDir), problems: failed, report: reportOf(failed, validity) };
      notLoaded.push(entry);
      log?.error({ dir: packDir, problems: failed.length, report: entry.report }, 'content pack not loaded');
    }
  }
  if (articles.length === 0) throw new LibraryError(dir, notLoaded, dirs.length === 0 ? `No content pack in ${dir}: it holds no article.json, and no sub-folder does.` : undefined);
  log?.debug({ ms: Math.round(performance.now() - started), dir, articles: articles.length, notLoaded: notLoaded.length }, 'content loaded');
  return makeLibrary({ dir, articles, notLoaded, stale: [], warnings });
}

/** A frozen Library over at least one article (the first is the default). */
export function makeLibrary(parts: Omit<Library, 'first' | 'article'>): Library {
  const [first] = parts.articles;
  if (!first) throw new RangeError('A library needs at least one article');
  const byId = new Map(parts.articles.map((a) => [a.id, a]));
  return Object.freeze({
    ...parts,
    articles: Object.freeze([...parts.articles]),
    notLoaded: Object.freeze([...parts.notLoaded]),
    stale: Object.freeze([...parts.stale]),
    first,
    article: (id: string) => byId.get(id),
  });
}
