import { Options } from 'discord.js';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { toSnakeCase } from '../src/client.js';
import { renderExcerpt } from '../src/render/excerpt.js';
import { renderRoundQuestion } from '../src/render/quiz.js';
import { loadContent } from '../src/content/loader.js';
import { DEFAULT_CONTENT_DIR } from '../src/content/paths.js';
import { openStore } from '../src/storage/open.js';
import type { Store } from '../src/storage/store.js';
import { silentLogger } from './support/log.js';
import { tempDir } from './support/temp.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function sqliteStore(): Promise<{ store: Store; file: string }> {
  const tmp = tempDir();
  const file = join(tmp.dir, 'bot.sqlite');
  const store = await openStore(`sqlite://${file}`, silentLogger());
  cleanups.push(tmp.cleanup, () => store.close().catch(() => {}));
  return { store, file };
}

describe('batched SQLite store', () => {
  it('a read issued right after a write sees that write, even in the same tick', async () => {
    const { store } = await sqliteStore();
    const writes = Array.from({ length: 300 }, (_, i) => store.set(`k:${i}`, i));
    const reads = Array.from({ length: 300 }, (_, i) => store.get<number>(`k:${i}`));
    await Promise.all(writes);
    expect(await Promise.all(reads)).toEqual(Array.from({ length: 300 }, (_, i) => i));
  });

  it('the later of two writes to one key in the same tick wins', async () => {
    const { store } = await sqliteStore();
    await Promise.all([store.set('k', 'first'), store.set('k', 'second')]);
    expect(await store.get('k')).toBe('second');
  });

  it('scans and deletes see every acknowledged write, and a reopen keeps what was written', async () => {
    const { store, file } = await sqliteStore();
    await Promise.all(Array.from({ length: 600 }, (_, i) => store.set(`p:${String(i).padStart(4, '0')}`, { i })));
    const scanned = await store.scan<{ i: number }>('p:');
    expect(scanned.map(([, v]) => v.i)).toEqual(Array.from({ length: 600 }, (_, i) => i));
    expect(await store.deletePrefix('p:')).toBe(600);
    await store.set('kept', true);
    await store.close();
    const reopened = await openStore(`sqlite://${file}`, silentLogger());
    cleanups.push(() => reopened.close());
    expect(await reopened.scan('p:')).toEqual([]);
    expect(await reopened.get('kept')).toBe(true);
  });
});

describe('outgoing JSON transform', () => {
  it('gives the same body as discord.js’s own transform for the bot’s messages', async () => {
    const content = await loadContent(DEFAULT_CONTENT_DIR);
    const defaultTransform = Options.createDefault().jsonTransformer as (v: unknown) => unknown;
    const samples: unknown[] = [
      renderExcerpt(content, content.paragraph(2)!),
      renderRoundQuestion('r1', content.questions()[0]!, { index: 0, total: 5 }, Date.UTC(2026, 0, 1)),
      { allowedMentions: { parse: [] }, messageReference: { messageId: '1', failIfNotExists: false }, flags: 64 },
    ];
    for (const sample of samples) expect(toSnakeCase(sample)).toEqual(defaultTransform(sample));
  });
});
