import { describe, expect, it } from 'vitest';
import { openStore } from '../src/storage/open.js';
import type { Store } from '../src/storage/store.js';
import { listTallies, recordAnswer, resetTallies } from '../src/quiz/tallies.js';
import { silentLogger } from './support/log.js';

const answer = (userId: string, correct = true, at = 1) => ({ guildId: 'g', userId, userName: userId, category: 'attribution' as const, correct, at });

/**
 * A store whose scans read their rows at once but hand them back only on
 * release(): it holds a listing's first read open, so the races with it
 * happen every time instead of depending on timing.
 */
async function heldStore() {
  const store = await openStore('memory://', silentLogger());
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let scanned!: () => void;
  const read = new Promise<void>((resolve) => (scanned = resolve));
  let scans = 0;
  const held: Store = {
    ...store,
    async scan<T>(prefix: string) {
      scans += 1;
      const rows = await store.scan<T>(prefix);
      scanned();
      await gate;
      return rows;
    },
  };
  return { store: held, read, release, scans: () => scans };
}

describe('the in-memory guild standings behind listTallies', () => {
  it('an answer recorded after the first listing shows in the next one, without reading the store again', async () => {
    const { store, release, scans } = await heldStore();
    release();
    await recordAnswer(store, answer('b'));
    expect((await listTallies(store, 'g')).map((t) => t.userId)).toEqual(['b']);
    await recordAnswer(store, answer('a'));
    await recordAnswer(store, answer('b', false));
    expect((await listTallies(store, 'g')).map((t) => [t.userId, t.answered])).toEqual([['a', 1], ['b', 2]]);
    expect(scans()).toBe(1);
  });

  it('answers recorded while the first listing is reading are replayed onto it', async () => {
    const { store, read, release, scans } = await heldStore();
    for (let i = 0; i < 20; i++) await recordAnswer(store, answer(`u${String(i).padStart(2, '0')}`));
    const first = listTallies(store, 'g');
    await read; // the rows are read: answers from here on are not in them
    await Promise.all([...Array.from({ length: 5 }, (_, i) => recordAnswer(store, answer(`late${i}`))), recordAnswer(store, answer('u00', false))]);
    release();
    for (const listed of [await first, await listTallies(store, 'g')]) {
      expect(listed).toHaveLength(25);
      expect(listed.filter((t) => t.userId.startsWith('late'))).toHaveLength(5);
      expect(listed.find((t) => t.userId === 'u00')?.answered).toBe(2);
      expect(listed.map((t) => t.userId)).toEqual(listed.map((t) => t.userId).sort());
    }
    expect(scans()).toBe(1);
  });

  it('a listing whose read overlapped a reset is not kept', async () => {
    const { store, read, release, scans } = await heldStore();
    for (let i = 0; i < 10; i++) await recordAnswer(store, answer(`u${i}`));
    const first = listTallies(store, 'g');
    await read; // the rows, read before the reset, still hold all ten
    expect(await resetTallies(store, 'g')).toBe(10);
    release();
    expect(await first).toHaveLength(10); // it was asked for before the reset
    expect(await listTallies(store, 'g')).toEqual([]);
    expect(scans()).toBe(2);
  });

  it('hands out frozen tallies, so one caller cannot change another’s', async () => {
    const { store, release } = await heldStore();
    release();
    await recordAnswer(store, answer('a'));
    const [tally] = await listTallies(store, 'g');
    expect(Object.isFrozen(tally)).toBe(true);
    expect(Object.isFrozen(tally!.byCategory.attribution)).toBe(true);
  });
});
