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
  const bank = (...ids: string[]): Prompt[] => ids.map((id) => ({ id, text: `prompt ${id}`, cites: [] }));

  it('uses every prompt once per server before starting over', async () => {
    const prompts = bank('a', 'b', 'c', 'd');
    const round = [];
    for (let i = 0; i < 4; i++) round.push((await nextPromptForGuild(store, 'g1', prompts)).id);
    expect([...round].sort()).toEqual(['a', 'b', 'c', 'd']);
    // A new round: not the prompt just posted, then no repeats again.
    const next = [];
    for (let i = 0; i < 4; i++) next.push((await nextPromptForGuild(store, 'g1', prompts)).id);
    expect(next[0]).not.toBe(round[3]);
    expect([...next].sort()).toEqual(['a', 'b', 'c', 'd']);
    // Another server has its own rotation.
    expect((await nextPromptForGuild(store, 'g2', prompts, () => 0)).id).toBe('a');
  });

  it('ignores used ids that are no longer in the bank', async () => {
    await nextPromptForGuild(store, 'g1', bank('a', 'b', 'c'), () => 0); // a
    await nextPromptForGuild(store, 'g1', bank('a', 'b', 'c'), () => 0); // b
    const picks = [];
    for (let i = 0; i < 2; i++) picks.push((await nextPromptForGuild(store, 'g1', bank('b', 'c', 'e'), () => 0)).id);
    expect(picks).toEqual(['c', 'e']);
    expect(await store.get('prompt-rotation:g1')).toEqual({ used: ['b', 'c', 'e'] });
  });

  it('keeps serving a bank of one prompt', async () => {
    for (let i = 0; i < 3; i++) expect((await nextPromptForGuild(store, 'g1', bank('only'))).id).toBe('only');
  });
});
