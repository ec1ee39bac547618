import { afterEach, describe, expect, it } from 'vitest';
import type { Store } from '../src/storage/store.js';
import { memoryLogger } from './support/log.js';
import { BACKENDS, UNAVAILABLE, type Harness } from './support/storage-backends.js';

// What every backend promises (src/storage/store.ts). A new backend adds one entry to BACKENDS.

// A backend without its test server is reported, not silently left out (the default reporter shows only a count of skipped tests).
for (const { name, reason } of UNAVAILABLE) {
  console.warn(`storage contract: ${name} skipped: ${reason}`);
  describe(`storage contract: ${name}`, () => it.skip(`skipped: ${reason}`));
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
const sortedKeys = (rows: Array<[string, unknown]>) => rows.map(([key]) => key).sort();

describe.each(BACKENDS)('storage contract: $name', (backend) => {
  let h: Harness;
  let store: Store;
  let logs: ReturnType<typeof memoryLogger>;
  const storageErrors = () => logs.lines().filter((l) => l['msg'] === 'storage error');

  afterEach(() => h.cleanup());
  const open = async () => {
    logs = memoryLogger();
    h = await backend.open(logs.log);
    store = h.store;
  };

  it('gets what was set, as a copy, and forgets what was deleted', async () => {
    await open();
    const value = { n: 1, list: ['a'] };
    await store.set('k', value);
    value.list.push('changed after set');
    const got = await store.get<typeof value>('k');
    expect(got).toEqual({ n: 1, list: ['a'] });
    got!.n = 2;
    expect(await store.get('k')).toEqual({ n: 1, list: ['a'] });
    expect(await store.delete('k')).toBe(true);
    expect(await store.delete('k')).toBe(false);
    expect(await store.get('k')).toBeUndefined();
  });

  it('an update that returns undefined deletes the key', async () => {
    await open();
    await store.set('k', 1);
    expect(await store.update('k', () => undefined)).toBeUndefined();
    expect(await store.get('k')).toBeUndefined();
    expect(await store.scan('k')).toEqual([]);
  });

  it('loses none of 200 concurrent updates of one key, even when each change awaits', async () => {
    await open();
    const results = await Promise.all(
      Array.from({ length: 200 }, () =>
        store.update<number>('counter', async (n) => {
          await nextTurn(); // without the lock, every change would read the same value here
          return (n ?? 0) + 1;
        }),
      ),
    );
    expect(await store.get('counter')).toBe(200);
    expect(results.sort((a, b) => a! - b!)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
  });

  it('a change function that throws leaves the old value, rethrows its own error and is not logged', async () => {
    await open();
    await store.set('k', { n: 1 });
    const refusal = new Error('not yours to change');
    await expect(store.update('k', () => { throw refusal; })).rejects.toBe(refusal);
    await expect(store.update('k', async () => { await nextTurn(); throw refusal; })).rejects.toBe(refusal);
    expect(await store.get('k')).toEqual({ n: 1 });
    expect(await store.update<{ n: number }>('k', (v) => ({ n: v!.n + 1 }))).toEqual({ n: 2 });
    expect(storageErrors()).toEqual([]);
  });

  it('scan returns exactly the keys with the prefix, whatever characters they hold', async () => {
    await open();
    // LIKE wildcards (% _), glob characters (* ? [ ] \\) and non-ASCII: a backend that matches patterns must escape them.
    const inside = ['p:1', 'p:2', 'p:10', 'p:', 'p:a%b', 'p:_', 'p:ü', 'p:*', 'p:?', 'p:[x]', 'p:\\'];
    for (const key of [...inside, 'p', 'pp:1', 'q:1', 'P:1', 'x:p:1']) await store.set(key, key.length);
    const rows = await store.scan<number>('p:');
    expect(sortedKeys(rows)).toEqual([...inside].sort());
    for (const [key, value] of rows) expect(value).toBe(key.length);
    for (const prefix of ['p:*', 'p:?', 'p:[', 'p:_', 'p:a%', 'p:\\']) expect(sortedKeys(await store.scan(prefix)), prefix).toEqual(inside.filter((key) => key.startsWith(prefix)).sort());
    expect(await store.scan('none:')).toEqual([]);
    expect(await store.deletePrefix('p:*')).toBe(1);
    expect(await store.deletePrefix('p:_')).toBe(1);
    expect(await store.scan('p:')).toHaveLength(inside.length - 2);
  });

  it('scan and deletePrefix see writes called before them that were not awaited yet', async () => {
    await open();
    const writes = [store.set('p:a', 1), store.set('p:b', 2)];
    expect(sortedKeys(await store.scan('p:'))).toEqual(['p:a', 'p:b']);
    writes.push(store.set('p:c', 3));
    expect(await store.deletePrefix('p:')).toBe(3);
    await Promise.all(writes);
    expect(await store.scan('p:')).toEqual([]);
  });

  it('deletePrefix during writes to its prefix and another counts what it deleted and leaves the other prefix alone', async () => {
    await open();
    for (let i = 0; i < 50; i++) await store.set(`a:${i}`, i);
    for (let i = 0; i < 50; i++) await store.set(`b:${i}`, i);
    const writes: Array<Promise<unknown>> = [];
    for (let i = 0; i < 50; i++) writes.push(store.update<number>(`b:${i}`, async (n) => (await nextTurn(), n! + 1000)));
    for (let i = 0; i < 25; i++) writes.push(store.set(`a:new${i}`, i), store.update(`a:upd${i}`, async () => (await nextTurn(), i)));
    const deleted = store.deletePrefix('a:');
    for (let i = 25; i < 50; i++) writes.push(store.set(`a:new${i}`, i));
    const [count] = await Promise.all([deleted, ...writes]);
    const survivors = await store.scan<number>('a:');
    // Each write that raced the delete either went with it (and was counted) or stayed with its value.
    expect(count).toBe(50 + 75 - survivors.length);
    for (const [key, value] of survivors) expect(key).toMatch(new RegExp(`^a:(new|upd)${value}$`));
    const b = await store.scan<number>('b:');
    expect(b.map(([key, value]) => [key, value]).sort()).toEqual(Array.from({ length: 50 }, (_, i) => [`b:${i}`, i + 1000]).sort());
  });

  /** Closes with `writes` still pending; resolves once they all settled, failing if close resolved before any of them. */
  const closeDuring = async (writes: Array<Promise<unknown>>) => {
    const settled: string[] = [];
    const tracked = writes.map((write) => write.then(() => settled.push('write')));
    await store.close().then(() => settled.push('close'));
    await Promise.all(tracked);
    expect(settled.indexOf('close')).toBe(writes.length);
  };

  it('close waits for sets still pending, and a reopened store has them', async () => {
    await open();
    await closeDuring(Array.from({ length: 50 }, (_, i) => store.set(`s:${i}`, i)));
    if (!h.reopen) return;
    const reopened = await h.reopen();
    expect(sortedKeys(await reopened.scan('s:'))).toEqual(Array.from({ length: 50 }, (_, i) => `s:${i}`).sort());
  });

  it('close waits for queued updates and deletes, and a reopened store has them', async () => {
    await open();
    await store.set('gone', true);
    await closeDuring([...Array.from({ length: 50 }, () => store.update<number>('counter', async (n) => (await nextTurn(), (n ?? 0) + 1))), store.delete('gone')]);
    if (!h.reopen) return;
    const reopened = await h.reopen();
    expect(await reopened.get('counter')).toBe(50);
    expect(await reopened.get('gone')).toBeUndefined();
  });

  it('a write the backend refuses rejects, is logged, and leaves the old value once the backend is back', async () => {
    await open();
    await store.set('k', 1);
    await h.breakWrites();
    await expect(store.update<number>('k', (n) => n! + 1)).rejects.toThrow(h.refusal);
    await expect(store.set('k', 5)).rejects.toThrow(h.refusal);
    expect(storageErrors().map((l) => [l['op'], l['key']])).toEqual([['update', 'k'], ['set', 'k']]);
    await h.heal();
    expect(await store.get('k')).toBe(1);
    expect(await store.update<number>('k', (n) => n! + 1)).toBe(2);
  });
});
