import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../src/storage/open.js';
import { StorageError, type Store } from '../src/storage/store.js';
import { memoryLogger, silentLogger } from './support/log.js';
import { tempDir } from './support/temp.js';

// What only the SQLite backend does; what every backend does is in storage-contract.test.ts.

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function sqliteStore(log = silentLogger()): Promise<{ store: Store; file: string }> {
  const tmp = tempDir();
  const file = join(tmp.dir, 'nested', 'bot.sqlite');
  const store = await openStore(`sqlite://${file}`, log);
  cleanups.push(tmp.cleanup, () => store.close().catch(() => {}));
  return { store, file };
}

describe('SQLite storage', () => {
  it('creates the file with its folder, in WAL mode', async () => {
    const { store, file } = await sqliteStore();
    await store.set('k', 1);
    await store.close();
    const { default: sqlite3 } = await import('sqlite3');
    const mode = await new Promise<string>((resolve, reject) => {
      const db = new sqlite3.Database(file);
      db.get('PRAGMA journal_mode', (error: Error | null, row: { journal_mode: string }) => {
        db.close();
        if (error) reject(error);
        else resolve(row.journal_mode);
      });
    });
    expect(mode).toBe('wal');
  });

  it('refuses a corrupt file with an error naming it, and leaves the file untouched', async () => {
    const tmp = tempDir();
    cleanups.push(tmp.cleanup);
    const file = join(tmp.dir, 'bot.sqlite');
    const garbage = 'this is not a database '.repeat(400);
    writeFileSync(file, garbage);
    const error = await openStore(`sqlite://${file}`, silentLogger()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageError);
    expect((error as Error).message).toContain(file);
    expect(readFileSync(file, 'utf8')).toBe(garbage);
  });

  it('an update after close is refused and logged instead of crashing', async () => {
    const { log, lines } = memoryLogger();
    const { store } = await sqliteStore(log);
    await store.close();
    await expect(store.update('k', () => 1)).rejects.toThrow();
    expect(lines().some((l) => l['msg'] === 'storage error' && l['op'] === 'update')).toBe(true);
  });
});

describe('batched SQLite writes', () => {
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

  it('a scan, a delete and a close issued with batches of writes still queued see all of them', async () => {
    const { store, file } = await sqliteStore();
    const writes = Array.from({ length: 600 }, (_, i) => store.set(`p:${i}`, { i }));
    const scanned = await store.scan<{ i: number }>('p:');
    expect(scanned.map(([, v]) => v.i).sort((a, b) => a - b)).toEqual(Array.from({ length: 600 }, (_, i) => i));
    writes.push(...Array.from({ length: 600 }, (_, i) => [store.set(`p:${600 + i}`, { i: 600 + i }), store.set(`q:${i}`, i)]).flat());
    expect(await store.deletePrefix('p:')).toBe(1200);
    writes.push(store.set('kept', true));
    await store.close();
    await Promise.all(writes);
    const reopened = await openStore(`sqlite://${file}`, silentLogger());
    cleanups.push(() => reopened.close());
    expect(await reopened.scan('p:')).toEqual([]);
    expect(await reopened.scan('q:')).toHaveLength(600);
    expect(await reopened.get('kept')).toBe(true);
  });
});
