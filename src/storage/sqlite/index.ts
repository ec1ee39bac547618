import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import KeyvSqlite from '@keyv/sqlite';
import type { Logger } from 'pino';
import { jsonKeyv } from '../json-keyv.js';
import { KeyedLock } from '../lock.js';
import { logFailures, runChange } from '../logged.js';
import { PendingWrites } from '../pending.js';
import { StorageError, type Change, type Store } from '../store.js';
import { RowBatcher, type Query } from './batcher.js';
import { NAMESPACE, TABLE, batchedAdapter, deleteRows, scanRows } from './keyv-rows.js';

/** Opens (and creates, with its folder) a SQLite file in WAL mode; refuses a file it cannot use, leaving it as it is. */
export async function openSqliteStore(file: string, log: Logger): Promise<Store> {
  mkdirSync(dirname(file), { recursive: true });
  const adapter = new KeyvSqlite({ uri: `sqlite://${file}`, table: TABLE, busyTimeout: 5000 });
  // The adapter reports a failed open as an event too; the awaited query below is what we act on.
  adapter.on('error', () => {});
  const query = adapter.query as Query;
  const table = adapter.opts.table as string;
  try {
    await query('PRAGMA journal_mode=WAL');
    await query('PRAGMA synchronous=NORMAL');
    const [check] = await query('PRAGMA quick_check');
    if (check && Object.values(check)[0] !== 'ok') throw new Error(`integrity check says ${String(Object.values(check)[0])}`);
    await query(`SELECT count(*) FROM ${table}`);
  } catch (error) {
    await adapter.disconnect().catch(() => {});
    throw new StorageError(`Cannot use the storage file ${file}: ${(error as Error).message}. The file was left as it is.`);
  }

  const rows = new RowBatcher(query, table);
  const keyv = jsonKeyv(batchedAdapter(rows, query, table), log, { namespace: NAMESPACE });

  const lock = new KeyedLock();
  // Every write in flight. Keyv hands a write to the batcher only a few microtasks
  // after it is called, so the batcher's own queue would miss one just called.
  const pending = new PendingWrites();
  const track = <R>(write: Promise<R>) => pending.track(write);
  const settle = () => pending.settle();

  const store: Store = {
    get: (key) => keyv.get(key),
    set: async (key, value) => {
      await track(keyv.set(key, value));
    },
    delete: (key) => track(keyv.delete(key)),
    update: <T>(key: string, change: Change<T>) =>
      lock.run(key, async () => {
        const next = await runChange(change, await keyv.get<T>(key));
        await track(next === undefined ? keyv.delete(key) : keyv.set(key, next));
        return next;
      }),
    async scan<T>(prefix: string) {
      await settle();
      return scanRows<T>(query, table, prefix);
    },
    async deletePrefix(prefix) {
      await settle();
      return deleteRows(query, table, prefix);
    },
    // Queued updates first (they write when their turn comes), then every write they and others called.
    async close() {
      await lock.drain();
      await settle();
      await adapter.disconnect();
    },
  };
  return logFailures(store, log);
}
