import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../src/storage/open.js';
import { StorageError, type Store } from '../src/storage/store.js';
import { KeyedLock } from '../src/storage/lock.js';
import { memoryLogger, silentLogger } from './support/log.js';
import { tempDir } from './support/temp.js';

const cleanups: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function sqlite(file?: string): Promise<{ store: Store; file: string }> {
  const tmp = tempDir();
  cleanups.push(tmp.cleanup);
  const path = file ?? join(tmp.dir, 'nested', 'bot.sqlite');
  const store = await openStore(`sqlite://${path}`, silentLogger());
  return { store, file: path };
}

describe('storage', () => {
  it('keeps data across a close and reopen of the SQLite file, which it creates with its folder', async () => {
    const { store, file } = await sqlite();
    await store.set('tally:g:u1', { correct: 3 });
    await store.set('tally:g:u2', { correct: 5 });
    await store.set('other', 1);
    await store.close();
    const reopened = await openStore(`sqlite://${file}`, silentLogger());
    expect(await reopened.get('tally:g:u1')).toEqual({ correct: 3 });
    expect(await reopened.scan('tally:g:')).toEqual([
      ['tally:g:u1', { correct: 3 }],
      ['tally:g:u2', { correct: 5 }],
    ]);
    expect(await reopened.deletePrefix('tally:g:')).toBe(2);
    expect(await reopened.get('tally:g:u1')).toBeUndefined();
    expect(await reopened.get('other')).toBe(1);
    await reopened.close();
  });

  it('runs SQLite in WAL mode', async () => {
    const { store, file } = await sqlite();
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

  it('loses none of 1000 concurrent locked increments on one key', async () => {
    const { store } = await sqlite();
    await Promise.all(Array.from({ length: 1000 }, () => store.update<number>('counter', (n) => (n ?? 0) + 1)));
    expect(await store.get('counter')).toBe(1000);
    await store.close();
  });

  it('would lose increments without the lock (the reason it exists)', async () => {
    const store = await openStore('memory://', silentLogger());
    await Promise.all(
      Array.from({ length: 100 }, async () => {
        const n = (await store.get<number>('counter')) ?? 0;
        await store.set('counter', n + 1);
      }),
    );
    expect(await store.get('counter')).toBeLessThan(100);
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
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(file, 'utf8')).toBe(garbage);
  });

  it('reports a failed write to the caller and logs it instead of crashing', async () => {
    const { log, lines } = memoryLogger();
    const tmp = tempDir();
    cleanups.push(tmp.cleanup);
    const store = await openStore(`sqlite://${join(tmp.dir, 'bot.sqlite')}`, log);
    await store.close();
    await expect(store.update('k', () => 1)).rejects.toThrow();
    expect(lines().some((l) => l['msg'] === 'storage error')).toBe(true);
  });

  it('lock: a task that throws does not block the next one on its key', async () => {
    const lock = new KeyedLock();
    const failed = lock.run('k', async () => {
      throw new Error('no');
    });
    await expect(failed).rejects.toThrow('no');
    await expect(lock.run('k', async () => 'ok')).resolves.toBe('ok');
    await lock.drain();
    expect(lock.size).toBe(0);
  });
});
