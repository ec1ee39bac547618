import { cp, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ARTICLE_ID_MAX } from './schema.js';
import { articleIdFrom, PACK_ID, packFiles, parseArticleText, report } from './from-text.js';
import { SCHEMA_DIR } from './write-schemas.js';

/**
 * npm run content:new <article.txt> [--id slug] [--out DIR] [--title TEXT]:
 * starts a content pack from a plain-text article. --title names an article
 * whose text has no headline line (its first line is then ¶1 either way). Every mistake a user can make ends in one
 * plain line on stderr and exit 1, never a stack trace.
 */

const USAGE = 'usage: npm run content:new <article.txt> [--id slug] [--out DIR] [--title TEXT]';

class UsageError extends Error {}

/** Node's file errors, in words; anything else keeps its own message. */
function describeFsError(err: unknown, path: string): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return `no such file: ${path}`;
  if (code === 'EISDIR') return `${path} is a folder; give the path of a .txt file`;
  if (code === 'EACCES' || code === 'EPERM') return `no permission to use ${path}`;
  return `${path}: ${(err as Error).message}`;
}

async function main(argv: string[]): Promise<string> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { id: { type: 'string' }, out: { type: 'string' }, title: { type: 'string' } } });
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) throw new UsageError(USAGE);
  const source = resolve(positionals[0]!);

  let text: string;
  try {
    text = await readFile(source, 'utf8');
  } catch (err) {
    throw new UsageError(describeFsError(err, source));
  }
  const parsedText = parseArticleText(text);
  if (!parsedText.ok) throw new UsageError(`${source}: ${parsedText.message}`);
  let article = parsedText.article;
  if (values.title !== undefined) {
    const title = values.title.trim();
    if (!title || title.length > 256) throw new UsageError('--title: give a title of 1 to 256 characters');
    // Given a title, a first line that was taken as the headline is kept as ¶1 only if it read like a sentence (as without --title).
    article = { ...article, title, titleFromParagraph: false };
  }

  const id = values.id ?? articleIdFrom(article.title);
  if (!id) throw new UsageError(`cannot make a folder name from the title “${article.title}”: give one with --id`);
  if (!PACK_ID.test(id)) throw new UsageError(`--id "${id}": use lower-case letters, digits and dashes`);
  if (id.length > ARTICLE_ID_MAX) throw new UsageError(`--id "${id}": at most ${ARTICLE_ID_MAX} characters (the id travels in button ids)`);
  const parent = resolve(values.out ?? 'packs');
  const dir = join(parent, id);

  // Refuse before writing anything; mkdir without `recursive` also refuses if the folder appears meanwhile.
  const existing = await stat(dir).catch(() => undefined);
  if (existing) throw new UsageError(`${dir} already exists; choose another --id or --out, or remove it first`);
  try {
    await mkdir(parent, { recursive: true });
    await mkdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new UsageError(`${dir} already exists; choose another --id or --out`);
    throw new UsageError(`cannot create ${dir}: ${describeFsError(err, dir)}`);
  }
  const files = packFiles(article, id);
  const names = Object.keys(files) as (keyof typeof files)[];
  await Promise.all(names.map((name) => writeFile(join(dir, name), `${JSON.stringify(files[name], null, 2)}\n`)));
  await cp(SCHEMA_DIR, join(dir, 'schemas'), { recursive: true });
  return report(article, dir, [...names, 'schemas/']);
}

try {
  console.log(await main(process.argv.slice(2)));
} catch (err) {
  if (!(err instanceof UsageError)) throw err;
  console.error(`content:new: ${err.message}`);
  process.exitCode = 1;
}
