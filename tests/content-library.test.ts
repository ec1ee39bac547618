/**
 * A library of packs: which folders are packs, what is served and what is
 * reported, reloads that keep what works, and which article a channel reads.
 */
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { getChoice, resolveArticle, setChoice, channelsByArticle } from '../src/articles/choice.js';
import { LibraryError, loadLibrary } from '../src/content/library.js';
import { DEFAULT_CONTENT_DIR } from '../src/content/paths.js';
import { Shelf } from '../src/content/shelf.js';
import { openStore } from '../src/storage/open.js';
import { silentLogger } from './support/log.js';
import { tempDir } from './support/temp.js';

const HARBOUR = join(import.meta.dirname, 'fixtures', 'packs', 'harbour-bridge');
const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function folder(): string {
  const t = tempDir();
  cleanups.push(t.cleanup);
  return t.dir;
}
const json = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
const writeJson = (path: string, value: unknown) => writeFileSync(path, JSON.stringify(value, null, 2));

describe('loadLibrary', () => {
  it('serves one pack when CONTENT_DIR is a pack, under the id its article.json gives', async () => {
    const library = await loadLibrary(DEFAULT_CONTENT_DIR);
    expect(library.articles.map((a) => a.id)).toEqual(['global-health-passport']);
    expect(library.first).toBe(library.article('global-health-passport'));
    expect(library.notLoaded).toEqual([]);
  });

  it('reads a folder of packs in name order, skipping hidden folders and folders without pack files', async () => {
    const dir = folder();
    cpSync(HARBOUR, join(dir, 'b-harbour'), { recursive: true });
    cpSync(DEFAULT_CONTENT_DIR, join(dir, 'a-passport'), { recursive: true });
    cpSync(HARBOUR, join(dir, '.hidden'), { recursive: true });
    mkdirSync(join(dir, 'drafts'));
    writeFileSync(join(dir, 'drafts', 'notes.txt'), 'not a pack');
    const library = await loadLibrary(dir);
    expect(library.articles.map((a) => [a.id, a.dir])).toEqual([
      ['global-health-passport', join(dir, 'a-passport')],
      ['harbour-bridge', join(dir, 'b-harbour')],
    ]);
    expect(library.notLoaded).toEqual([]);
  });

  it('names a pack written before articles had ids after its folder', async () => {
    const dir = folder();
    cpSync(HARBOUR, join(dir, 'Old Pack_2024'), { recursive: true });
    const article = json(join(dir, 'Old Pack_2024', 'article.json'));
    delete article['id'];
    writeJson(join(dir, 'Old Pack_2024', 'article.json'), article);
    expect((await loadLibrary(dir)).first.id).toBe('old-pack-2024');
  });

  it('lists a half-written pack and a pack repeating another’s id as not loaded, with their reports, and serves the rest', async () => {
    const dir = folder();
    cpSync(HARBOUR, join(dir, 'a-good'), { recursive: true });
    cpSync(HARBOUR, join(dir, 'b-twin'), { recursive: true });
    mkdirSync(join(dir, 'c-half'));
    cpSync(join(HARBOUR, 'article.json'), join(dir, 'c-half', 'article.json'));
    const library = await loadLibrary(dir);
    expect(library.articles.map((a) => a.dir)).toEqual([join(dir, 'a-good')]);
    expect(library.notLoaded.map((n) => [n.name, n.problems.length])).toEqual([
      ['b-twin', 1],
      ['c-half', 3],
    ]);
    expect(library.notLoaded[0]!.report).toContain(`article.json: id: "harbour-bridge" is already the id of the pack in ${join(dir, 'a-good')}; ids must be unique`);
    expect(library.notLoaded[1]!.report).toMatch(/^3 problems:\nattribution\.json: /);
  });

  it('refuses a folder with no valid pack, with every pack’s report, and a folder with no pack at all', async () => {
    const dir = folder();
    mkdirSync(join(dir, 'broken'));
    writeFileSync(join(dir, 'broken', 'article.json'), '{');
    const error = await loadLibrary(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LibraryError);
    expect((error as Error).message).toMatch(new RegExp(`^No valid content pack in ${dir}\\.\\n\\nbroken \\(.*\\):\\n4 problems:\\narticle\\.json: not valid JSON`));

    const empty = folder();
    await expect(loadLibrary(empty)).rejects.toThrow(`No content pack in ${empty}: it holds no article.json, and no sub-folder does.`);
    await expect(loadLibrary(join(empty, 'missing'))).rejects.toThrow(`CONTENT_DIR ${join(empty, 'missing')} cannot be read: no such folder.`);
  });

  it('serves a pack with no questions and no prompts yet, with warnings', async () => {
    const dir = folder();
    cpSync(HARBOUR, dir, { recursive: true });
    writeJson(join(dir, 'questions.json'), { questions: [] });
    writeJson(join(dir, 'prompts.json'), { prompts: [] });
    const library = await loadLibrary(dir);
    expect(library.first.questions()).toEqual([]);
    expect(library.warnings.get('harbour-bridge')).toEqual([
      'questions.json has no questions yet: /quiz in a channel using this article says so',
      'prompts.json has no prompts yet: /prompt in a channel using this article says so',
    ]);
  });
});

describe('Shelf.reload', () => {
  async function twoPacks() {
    const dir = folder();
    cpSync(DEFAULT_CONTENT_DIR, join(dir, 'a'), { recursive: true });
    cpSync(HARBOUR, join(dir, 'b'), { recursive: true });
    return { dir, shelf: new Shelf(await loadLibrary(dir), silentLogger()) };
  }

  it('keeps an unchanged article the same object, and swaps in an edited one whole', async () => {
    const { dir, shelf } = await twoPacks();
    const before = shelf.current;
    const article = json(join(dir, 'b', 'article.json'));
    writeJson(join(dir, 'b', 'article.json'), { ...article, title: 'Edited' });
    const result = await shelf.reload();
    expect(result).toMatchObject({ kind: 'reloaded', added: [], removed: [], updated: ['harbour-bridge'] });
    expect(shelf.current.article('global-health-passport')).toBe(before.article('global-health-passport'));
    expect(shelf.current.article('harbour-bridge')!.title).toBe('Edited');
    // The library read before stays as it was: a round holding it is not touched.
    expect(before.article('harbour-bridge')!.title).not.toBe('Edited');
  });

  it('keeps serving the earlier version of a pack broken since, reporting it; a removed pack is no longer served', async () => {
    const { dir, shelf } = await twoPacks();
    const served = shelf.current.article('harbour-bridge');
    writeFileSync(join(dir, 'b', 'questions.json'), '[');
    const result = await shelf.reload();
    if (result.kind !== 'reloaded') throw new Error('expected a reload');
    expect(result.kept.map((k) => k.name)).toEqual(['b']);
    expect(shelf.current.article('harbour-bridge')).toBe(served);
    expect(shelf.current.stale.map((s) => s.name)).toEqual(['b']);

    rmSync(join(dir, 'b'), { recursive: true });
    expect(await shelf.reload()).toMatchObject({ kind: 'reloaded', removed: ['harbour-bridge'], kept: [] });
    expect(shelf.current.articles.map((a) => a.id)).toEqual(['global-health-passport']);
  });

  it('changes nothing when no pack is valid any more because every one vanished', async () => {
    const { dir, shelf } = await twoPacks();
    const before = shelf.current;
    rmSync(join(dir, 'a'), { recursive: true });
    rmSync(join(dir, 'b'), { recursive: true });
    const result = await shelf.reload();
    expect(result.kind).toBe('refused');
    expect(shelf.current).toBe(before);
  });

  it('runs one reload for calls made while it runs', async () => {
    const { shelf } = await twoPacks();
    const [a, b] = [shelf.reload(), shelf.reload()];
    expect(a).toBe(b);
    await a;
    expect(shelf.reload()).not.toBe(a);
  });
});

describe('which article a channel reads', () => {
  it('takes the channel’s choice, else its parent’s (a thread), else the server default, else the first article; skipping ids no longer served', async () => {
    const dir = folder();
    cpSync(DEFAULT_CONTENT_DIR, join(dir, 'a'), { recursive: true });
    cpSync(HARBOUR, join(dir, 'b'), { recursive: true });
    const library = await loadLibrary(dir);
    const store = await openStore('memory://', silentLogger());
    cleanups.push(() => void store.close());
    const at = async (channelId: string, parentId?: string) => resolveArticle(library, await getChoice(store, 'g'), channelId, parentId);

    expect(await at('c1')).toMatchObject({ content: { id: 'global-health-passport' }, from: 'first' });
    await setChoice(store, 'g', 'harbour-bridge', { scope: 'server' });
    expect(await at('c1')).toMatchObject({ content: { id: 'harbour-bridge' }, from: 'server' });
    await setChoice(store, 'g', 'global-health-passport', { scope: 'channel', channelId: 'c1' });
    expect(await at('c1')).toMatchObject({ content: { id: 'global-health-passport' }, from: 'channel' });
    expect(await at('t1', 'c1')).toMatchObject({ content: { id: 'global-health-passport' }, from: 'parent' });
    expect(await at('c2')).toMatchObject({ content: { id: 'harbour-bridge' }, from: 'server' });
    // Another server is untouched.
    expect(resolveArticle(library, await getChoice(store, 'other'), 'c1')).toMatchObject({ from: 'first' });

    await setChoice(store, 'g', 'gone', { scope: 'channel', channelId: 'c3' });
    expect(await at('c3')).toEqual({ content: library.article('harbour-bridge'), from: 'server', missing: 'gone' });
    expect(channelsByArticle(library, await getChoice(store, 'g'))).toEqual(
      new Map([
        ['global-health-passport', ['c1']],
        ['harbour-bridge', ['c3']],
      ]),
    );
  });
});
