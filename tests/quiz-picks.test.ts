import { describe, expect, it } from 'vitest';
import { findPick, forgetPicks, KEPT_ROUNDS, roundsPickedBy, savePicks } from '../src/quiz/picks.js';
import { openStore } from '../src/storage/open.js';
import type { Store } from '../src/storage/store.js';
import { silentLogger } from './support/log.js';

const entry = (picks: Record<string, string>) => ({ article: 'a1', questionId: 'q-1', order: ['a', 'b', 'c', 'd'], picks });
const save = (store: Store, guildId: string, roundId: string, questionIndex: number, picks: Record<string, string>) =>
  savePicks(store, { guildId, roundId, questionIndex, at: 1, entry: entry(picks) });

describe('kept round picks', () => {
  it('keeps the last rounds of a server only', async () => {
    const store = await openStore('memory://', silentLogger());
    for (let i = 0; i <= KEPT_ROUNDS; i++) await save(store, '12', `r${i}`, 0, { u1: 'a' });
    expect((await findPick(store, '12', 'r0', 0, 'u1')).kind).toBe('unknown');
    expect((await findPick(store, '12', `r${KEPT_ROUNDS}`, 0, 'u1')).kind).toBe('picked');
    expect(await roundsPickedBy(store, '12', 'u1')).toHaveLength(KEPT_ROUNDS);
  });

  it('forgetting a person removes their picks from every question of every kept round of that server, and nobody else’s', async () => {
    const store = await openStore('memory://', silentLogger());
    await save(store, '12', 'r1', 0, { u1: 'a', u2: 'b' });
    await save(store, '12', 'r1', 1, { u1: 'c' });
    await save(store, '12', 'r2', 0, { u2: 'd' });
    await save(store, '12', 'r3', 0, { u1: 'b' });
    await save(store, '123', 'r4', 0, { u1: 'a' }); // a server whose id starts with the other's
    expect((await roundsPickedBy(store, '12', 'u1')).sort()).toEqual(['r1', 'r3']);

    expect((await forgetPicks(store, '12', 'u1')).sort()).toEqual(['r1', 'r3']);
    expect(await roundsPickedBy(store, '12', 'u1')).toEqual([]);
    expect((await findPick(store, '12', 'r1', 1, 'u1')).kind).toBe('not-answered');
    expect(await findPick(store, '12', 'r1', 0, 'u2')).toMatchObject({ kind: 'picked', optionId: 'b' });
    expect(await findPick(store, '12', 'r2', 0, 'u2')).toMatchObject({ kind: 'picked', optionId: 'd' });
    expect(await findPick(store, '123', 'r4', 0, 'u1')).toMatchObject({ kind: 'picked', optionId: 'a' });
    expect(await forgetPicks(store, '12', 'u1')).toEqual([]);
  });
});
