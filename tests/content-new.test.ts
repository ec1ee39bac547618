import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { isSubheading, packFiles, parseArticleText, slugify, type TextArticle } from '../src/content/from-text.js';
import { DEFAULT_CONTENT_DIR, loadContent } from '../src/content/loader.js';
import type { ArticleFile, AttributionFile } from '../src/content/schema.js';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const seedPath = join(repoRoot, '..', 'shared', 'seed', 'article.txt');
const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'content-new-'));
  dirs.push(dir);
  return dir;
}

/** The real CLI, as `npm run content:new` runs it. */
function contentNew(...args: string[]) {
  const run = spawnSync('npx', ['tsx', 'src/content/new.ts', ...args], { cwd: repoRoot, encoding: 'utf8' });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

function contentCheck(dir: string) {
  const run = spawnSync('npx', ['tsx', 'src/content/check.ts', dir], { cwd: repoRoot, encoding: 'utf8' });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

const parsed = (text: string): TextArticle => {
  const result = parseArticleText(text);
  if (!result.ok) throw new Error(result.message);
  return result.article;
};

const readJson = async <T>(path: string): Promise<T> => JSON.parse(await readFile(path, 'utf8')) as T;

/** Writes `text` to a temp file and runs the CLI on it into a temp --out folder. */
async function runOn(text: string | Buffer, ...args: string[]) {
  const dir = await tempDir();
  const file = join(dir, 'article.txt');
  await writeFile(file, text);
  const out = join(dir, 'packs');
  return { ...contentNew(file, '--out', out, ...args), out };
}

describe('parseArticleText', () => {
  it('takes a short unpunctuated first line as the title only, and later ones as subheadings', () => {
    const article = parsed('A bridge and its bill\n\nThe council met.\nWhat the council said\nIt said “no”.\n');
    expect(article.title).toBe('A bridge and its bill');
    expect(article.titleFromParagraph).toBe(false);
    expect(article.sections).toEqual([
      { heading: null, paragraphs: [{ n: 1, text: 'The council met.' }] },
      { heading: 'What the council said', paragraphs: [{ n: 2, text: 'It said “no”.' }] },
    ]);
  });

  it('keeps a first line that reads like a sentence as ¶1 and cuts the title from it', () => {
    const first = `${'word '.repeat(40).trim()}.`;
    const article = parsed(`${first}\nSecond paragraph.`);
    expect(article.titleFromParagraph).toBe(true);
    expect(article.sections[0]?.paragraphs.map((p) => p.text)).toEqual([first, 'Second paragraph.']);
    expect(article.title.endsWith('…')).toBe(true);
    expect(article.title.length).toBeLessThanOrEqual(101);
  });

  it('tells a subheading from a paragraph by length and closing punctuation', () => {
    expect(isSubheading('World not ready for vaccine passport')).toBe(true);
    for (const end of ['.', '!', '?', ':', '”', '"', '’', "'"]) expect(isSubheading(`Short line${end}`)).toBe(false);
    expect(isSubheading('x'.repeat(121))).toBe(false);
  });

  it('refuses a subheading with no paragraph under it, naming its line', () => {
    const result = parseArticleText('Title\n\nOne paragraph.\nDangling heading\n');
    expect(result).toEqual({ ok: false, message: expect.stringMatching(/^line 4: “Dangling heading” reads as a subheading/) });
  });

  it('makes a folder name from the title', () => {
    expect(slugify('Harbour Bridge: the Café’s £2m question')).toBe('harbour-bridge-the-cafe-s-2m-question');
    expect(slugify('信息')).toBe('');
  });

  it('lists every paragraph in the attribution map with nothing in it', () => {
    const files = packFiles(parsed('T\nA.\nH\nB.\nC.'), 't');
    expect(files['attribution.json'].paragraphs).toEqual([1, 2, 3].map((paragraph) => ({ paragraph, reviewed: false, claims: [], loadedTerms: [] })));
    expect(files['questions.json'].questions).toEqual([]);
    expect(files['prompts.json'].prompts).toEqual([]);
  });
});

// Each case spawns tsx (about 1.5 s alone, more on a busy machine).
describe('npm run content:new', { timeout: 60_000 }, () => {
  it('rebuilds the bundled article’s three subheadings and fifteen paragraphs from the seed text', async (ctx) => {
    ctx.skip(!existsSync(seedPath), `seed article not found at ${seedPath} (CI keeps shared/ beside the clone)`);
    const out = await tempDir();
    const run = contentNew(seedPath, '--out', out, '--id', 'seed');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const dir = join(out, 'seed');
    const made = await readJson<ArticleFile>(join(dir, 'article.json'));
    const bundled = await readJson<ArticleFile>(join(DEFAULT_CONTENT_DIR, 'article.json'));
    // The seed has no headline line: its first line is ¶1, so the title is cut from it, unlike the bundled one written for the pack.
    expect(made.sections).toEqual(bundled.sections);
    expect(made.id).toBe('seed');
    expect(made.title.startsWith('“Experts” from the Chinese Communist Party')).toBe(true);
    expect(run.stdout).toContain('15 paragraphs under 3 subheadings');
    expect(run.stdout).toContain('it is ¶1 and the title above was cut from it');

    // Given the headline the pack was written with, it reproduces the bundled article's title too.
    const titled = contentNew(seedPath, '--out', out, '--id', 'titled', '--title', bundled.title);
    expect(titled.status).toBe(0);
    const remade = await readJson<ArticleFile>(join(out, 'titled', 'article.json'));
    expect({ title: remade.title, sections: remade.sections }).toEqual({ title: bundled.title, sections: bundled.sections });
    expect(titled.stdout).not.toContain('the title above was cut from it');
    expect(readdirSync(join(dir, 'schemas')).sort()).toEqual(readdirSync(join(DEFAULT_CONTENT_DIR, 'schemas')).sort());
    const attribution = await readJson<AttributionFile>(join(dir, 'attribution.json'));
    expect(attribution.$schema).toBe('./schemas/attribution.schema.json');
    expect(attribution.paragraphs.map((p) => p.paragraph)).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
    expect(run.stdout).toMatch(/^2\. attribution\.json lists every paragraph with no claims .* marked "reviewed": false/m);
    expect(run.stdout).toMatch(/^3\. .*Both are empty now: content:check warns about it/m);
    expect(run.stdout).toContain(`4. Run: npm run content:check ${dir}`);

    // content:check passes the new pack, warning only of the empty bank and prompts: everything else content:new wrote is valid.
    const check = contentCheck(dir);
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
    expect(check.stdout.split('\n').filter((l) => l.startsWith('warning:'))).toEqual([
      'warning: questions.json has no questions yet: /quiz in a channel using this article says so',
      'warning: prompts.json has no prompts yet: /prompt in a channel using this article says so',
      `warning: attribution.json: 15 paragraphs not reviewed yet ("reviewed": false): ${Array.from({ length: 15 }, (_, i) => `¶${i + 1}`).join(' ')}`,
    ]);
    expect(check.stdout).toContain(`Content pack OK: ${dir} (15 paragraphs, 0 questions, 0 prompts)`);

    const again = contentNew(seedPath, '--out', out, '--id', 'seed');
    expect(again.status).toBe(1);
    expect(again.stderr).toBe(`content:new: ${dir} already exists; choose another --id or --out, or remove it first\n`);
  });

  it('skips blank lines before the title and names the folder after it', async () => {
    const run = await runOn('\n\n   \nHarbour Bridge repairs\n\nThe council met on Monday.\n');
    expect(run.status).toBe(0);
    const article = await readJson<ArticleFile>(join(run.out, 'harbour-bridge-repairs', 'article.json'));
    expect(article.title).toBe('Harbour Bridge repairs');
    expect(article.sections).toEqual([{ heading: null, paragraphs: [{ n: 1, text: 'The council met on Monday.' }] }]);
  });

  it('refuses a file with a title and no paragraphs, writing nothing', async () => {
    const run = await runOn('Harbour Bridge repairs\n');
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^content:new: .*article\.txt: the file has a title \(“Harbour Bridge repairs”\) but no paragraphs/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(run.out)).toBe(false);
  });

  it('reads Windows line endings and a UTF-8 byte-order mark as plain text', async () => {
    const run = await runOn('\uFEFFBridge notes\r\n\r\nFirst paragraph.\r\nCosts\r\nSecond paragraph.\r\n', '--id', 'crlf');
    expect(run.status).toBe(0);
    const article = await readJson<ArticleFile>(join(run.out, 'crlf', 'article.json'));
    expect(article.title).toBe('Bridge notes');
    expect(article.sections).toEqual([
      { heading: null, paragraphs: [{ n: 1, text: 'First paragraph.' }] },
      { heading: 'Costs', paragraphs: [{ n: 2, text: 'Second paragraph.' }] },
    ]);
  });

  it('writes a 2 MB article and says which paragraphs content:check will find too long', async () => {
    const long = `${'A sentence about the bridge. '.repeat(200).trim()}`; // about 5,800 characters
    const text = `Big article\n${Array.from({ length: 350 }, (_, i) => (i % 2 ? `Paragraph ${i}.` : long)).join('\n')}\n`;
    expect(text.length).toBeGreaterThan(1_000_000);
    const run = await runOn(`${text}${'Tail.\n'.repeat(Math.ceil((2_000_000 - text.length) / 6))}`, '--id', 'big');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^¶1 has ${long.length} characters; an embed description allows 4096, so content:check will report it`, 'm'));
    const article = await readJson<ArticleFile>(join(run.out, 'big', 'article.json'));
    expect(article.sections[0]?.paragraphs[0]?.text).toBe(long);
  });

  it('says plainly when the file does not exist', () => {
    const run = contentNew('no/such/article.txt');
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(`content:new: no such file: ${join(repoRoot, 'no/such/article.txt')}\n`);
  });

  it('refuses an --id that is not a plain folder name', async () => {
    const run = await runOn('T\nA paragraph.\n', '--id', '../escape');
    expect(run.status).toBe(1);
    expect(run.stderr).toBe('content:new: --id "../escape": use lower-case letters, digits and dashes\n');
  });
});

describe('the harbour-bridge practice pack (tests/fixtures/packs/harbour-bridge)', { timeout: 60_000 }, () => {
  const dir = join(repoRoot, 'tests', 'fixtures', 'packs', 'harbour-bridge');

  it('passes content:check, validity rules included, with no warnings', () => {
    const check = contentCheck(dir);
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
    expect(check.stdout).toContain('Bank rules: passed');
    expect(check.stdout).not.toMatch(/warning/i);
    expect(check.stdout).toContain(`Content pack OK: ${dir} (7 paragraphs, 7 questions, 2 prompts)`);
  });

  it('loads as a pack whose wrong options all say why, across several skills', async () => {
    const content = await loadContent(dir);
    expect(content.title).toMatch(/fictional/i);
    const questions = content.questions();
    expect(questions).toHaveLength(7);
    expect(content.prompts).toHaveLength(2);
    expect(new Set(questions.map((q) => q.category)).size).toBeGreaterThanOrEqual(5);
    for (const q of questions) {
      expect(q.options.every((o) => o.correct || o.why)).toBe(true);
      expect(q.options.every((o) => /^[a-z0-9-]+$/.test(o.id))).toBe(true);
    }
    expect(new Set(questions.map((q) => q.options.findIndex((o) => o.correct))).size).toBeGreaterThanOrEqual(3);
  });
});
