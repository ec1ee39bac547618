import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Prompt } from '../src/content/schema.js';
import { nextPromptForGuild } from '../src/prompts/rotation.js';
import { openStore } from '../src/storage/open.js';
import type { Store } from '../src/storage/store.js';
import { silentLogger } from './support/log.js';

let store: Store;

beforeEach(async () => {
  store = await openStore('memory://', silentLogger());
});
afterEach(async () => {
  await store.close();
});

describe('prompt rotation', () => {
  const bank = (...ids: string[]) => ({ id: 'art', prompts: ids.map((id): Prompt => ({ id, text: `prompt ${id}`, cites: [] })) });
  const next = async (guildId: string, article: ReturnType<typeof bank>, random?: () => number) => (await nextPromptForGuild(store, guildId, article, random))!;

  it('uses every prompt once per server before starting over', async () => {
    const prompts = bank('a', 'b', 'c', 'd');
    const round = [];
    for (let i = 0; i < 4; i++) round.push((await next('g1', prompts)).id);
    expect([...round].sort()).toEqual(['a', 'b', 'c', 'd']);
    // A new round: not the prompt just posted, then no repeats again.
    const again = [];
    for (let i = 0; i < 4; i++) again.push((await next('g1', prompts)).id);
    expect(again[0]).not.toBe(round[3]);
    expect([...again].sort()).toEqual(['a', 'b', 'c', 'd']);
    // Another server has its own rotation.
    expect((await next('g2', prompts, () => 0)).id).toBe('a');
  });

  it('ignores used ids that are no longer in the bank', async () => {
    await next('g1', bank('a', 'b', 'c'), () => 0); // a
    await next('g1', bank('a', 'b', 'c'), () => 0); // b
    const picks = [];
    for (let i = 0; i < 2; i++) picks.push((await next('g1', bank('b', 'c', 'e'), () => 0)).id);
    expect(picks).toEqual(['c', 'e']);
    expect(await store.get('prompt-rotation:g1')).toEqual({ used: ['art/b', 'art/c', 'art/e'] });
  });

  it('keeps one rotation per article: another article’s prompts neither count as used nor get dropped', async () => {
    const one = bank('a', 'b');
    const other = { id: 'other', prompts: bank('a', 'b').prompts };
    expect((await next('g1', one, () => 0)).id).toBe('a');
    // Same prompt id in another article: still unused there.
    expect((await next('g1', other, () => 0)).id).toBe('a');
    expect((await next('g1', one, () => 0)).id).toBe('b');
    expect(await store.get('prompt-rotation:g1')).toEqual({ used: ['other/a', 'art/a', 'art/b'] });
  });

  it('has nothing to offer from an article without prompts', async () => {
    expect(await nextPromptForGuild(store, 'g1', bank())).toBeUndefined();
  });

  it('keeps serving a bank of one prompt', async () => {
    for (let i = 0; i < 3; i++) expect((await next('g1', bank('only'))).id).toBe('only');
  });
});
