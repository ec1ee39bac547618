import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { EventEmitter } from 'node:events';
import KeyvSqlite from '@keyv/sqlite';
import Keyv from 'keyv';
import type { Logger } from 'pino';
import { UserError } from './errors.js';
import { KeyedLock } from './lock.js';
import { RowBatcher, type Query } from './sqlite-batcher.js';

/** Key-value storage with locked read-modify-write and prefix scans. */
export interface Store {
  get<T>(key: string): Promise<T | undefined>;
  set<T>(key: string, value: T): Promise<void>;
  delete(key: string): Promise<boolean>;
  /**
   * Read, change and write one key under a per-key lock, so concurrent updates
   * are applied one after another. Returning undefined deletes the key.
   */
  update<T>(key: string, change: (current: T | undefined) => T | undefined | Promise<T | undefined>): Promise<T | undefined>;
  /** Every entry whose key starts with prefix, in key order. */
  scan<T>(prefix: string): Promise<Array<[string, T]>>;
  /** Deletes every key that starts with prefix; returns how many went. */
  deletePrefix(prefix: string): Promise<number>;
  close(): Promise<void>;
}

export class StorageError extends Error {
  override readonly name = 'StorageError';
}

const NAMESPACE = 'keyv';
type Envelope = { value: unknown; expires?: number | null };

/** Opens `sqlite://path/to/file.sqlite` (folder created) or `memory://`. */
export async function openStore(url: string, log: Logger): Promise<Store> {
  if (url === 'memory://' || url === 'memory:') return memoryStore(log);
  const match = /^sqlite:\/\/(.+)$/.exec(url);
  if (!match?.[1]) throw new StorageError(`STORAGE_URL "${url}" is not supported: use sqlite://path/to/file.sqlite or memory://`);
  return sqliteStore(resolve(match[1]), log);
}

function makeKeyv(store: Map<string, string> | ReturnType<typeof batchedAdapter>, log: Logger): Keyv {
  const keyv = new Keyv({
    store,
    namespace: NAMESPACE,
    // Plain JSON is several times faster than Keyv's default serialiser and our values are plain data.
    serialize: JSON.stringify,
    deserialize: (raw: string) => JSON.parse(raw) as never,
    throwOnErrors: true,
  });
  // Failed operations are logged where they are awaited; this catches the adapter's own events.
  keyv.on('error', (error: unknown) => log.debug({ err: error }, 'storage adapter error event'));
  return keyv;
}

async function sqliteStore(file: string, log: Logger): Promise<Store> {
  mkdirSync(dirname(file), { recursive: true });
  const adapter = new KeyvSqlite({ uri: `sqlite://${file}`, busyTimeout: 5000 });
  // The adapter reports a failed open as an event too; the awaited query below is what we act on.
  adapter.on('error', () => {});
  const query = adapter.query as Query;
  try {
    await query('PRAGMA journal_mode=WAL');
    await query('PRAGMA synchronous=NORMAL');
    const [check] = await query('PRAGMA quick_check');
    if (check && Object.values(check)[0] !== 'ok') throw new Error(`integrity check says ${String(Object.values(check)[0])}`);
    await query(`SELECT count(*) FROM ${adapter.opts.table}`);
  } catch (error) {
    await adapter.disconnect().catch(() => {});
    throw new StorageError(`Cannot use the storage file ${file}: ${(error as Error).message}. The file was left as it is.`);
  }
  const table = adapter.opts.table as string;
  const rows = new RowBatcher(query, table);
  const keyv = makeKeyv(batchedAdapter(rows, query, table), log);
  const range = (prefix: string) => {
    const from = `${NAMESPACE}:${prefix}`;
    return [from, `${from}\uffff`] as const;
  };
  return wrap(keyv, log, {
    async scan(prefix) {
      await rows.settle();
      const found = (await query(`SELECT key, value FROM ${table} WHERE key >= ? AND key < ? ORDER BY key`, ...range(prefix))) as Array<{ key: string; value: string }>;
      return found.map((row) => [row.key.slice(NAMESPACE.length + 1), (JSON.parse(row.value) as Envelope).value] as [string, never]);
    },
    async deletePrefix(prefix) {
      await rows.settle();
      const [row] = (await query(`SELECT count(*) AS n FROM ${table} WHERE key >= ? AND key < ?`, ...range(prefix))) as Array<{ n: number }>;
      await query(`DELETE FROM ${table} WHERE key >= ? AND key < ?`, ...range(prefix));
      return row?.n ?? 0;
    },
    async close() {
      await rows.settle();
      await adapter.disconnect();
    },
  });
}

/**
 * A Keyv store adapter over @keyv/sqlite's connection whose single-row reads
 * and writes go through the batcher; rows look exactly as @keyv/sqlite writes them.
 */
function batchedAdapter(rows: RowBatcher, query: Query, table: string) {
  return Object.assign(new EventEmitter(), {
    namespace: undefined as string | undefined,
    get: (key: string) => rows.read(key),
    async set(key: string, value: string) {
      await rows.write(key, value);
      return true;
    },
    async delete(key: string) {
      await rows.settle();
      const found = await query(`SELECT key FROM ${table} WHERE key = ?`, key);
      if (found.length === 0) return false;
      await query(`DELETE FROM ${table} WHERE key = ?`, key);
      return true;
    },
    async clear() {
      await rows.settle();
      await query(`DELETE FROM ${table} WHERE key LIKE ?`, `${NAMESPACE}:%`);
    },
  });
}

function memoryStore(log: Logger): Store {
  const map = new Map<string, string>();
  const keyv = makeKeyv(map, log);
  const keysWith = (prefix: string) => [...map.keys()].filter((k) => k.startsWith(`${NAMESPACE}:${prefix}`)).sort();
  return wrap(keyv, log, {
    async scan(prefix) {
      return keysWith(prefix).map((k) => [k.slice(NAMESPACE.length + 1), (JSON.parse(map.get(k)!) as Envelope).value] as [string, never]);
    },
    async deletePrefix(prefix) {
      const keys = keysWith(prefix);
      for (const k of keys) map.delete(k);
      return keys.length;
    },
    close: async () => {},
  });
}

type Backend = Pick<Store, 'scan' | 'deletePrefix' | 'close'>;

function wrap(keyv: Keyv, log: Logger, backend: Backend): Store {
  const lock = new KeyedLock();
  // Every failure reaches the caller (who tells the user) and the log (for the operator).
  const logged = <A extends unknown[], R>(op: string, fn: (...args: A) => Promise<R>) =>
    (...args: A): Promise<R> =>
      fn(...args).catch((error: unknown) => {
        // A refusal thrown by an update's change function is the user's, not the storage's.
        if (!(error instanceof UserError)) log.error({ err: error, op, key: args[0] }, 'storage error');
        throw error;
      });
  return {
    get: logged('get', (key: string) => keyv.get(key)),
    set: logged('set', async (key: string, value: unknown) => {
      await keyv.set(key, value);
    }),
    delete: logged('delete', (key: string) => keyv.delete(key)),
    update: logged('update', (key: string, change: (current: never) => unknown) =>
      lock.run(key, async () => {
        const next = await change((await keyv.get(key)) as never);
        if (next === undefined) await keyv.delete(key);
        else await keyv.set(key, next);
        return next;
      }),
    ) as Store['update'],
    scan: logged('scan', backend.scan) as Store['scan'],
    deletePrefix: logged('deletePrefix', backend.deletePrefix),
    // Wait for queued locked updates to finish so nothing in flight is dropped.
    async close() {
      await lock.drain();
      await backend.close();
    },
  };
}
