import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import KeyvSqlite from '@keyv/sqlite';
import Keyv from 'keyv';
import type { Logger } from 'pino';
import { KeyedLock } from './lock.js';

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

function makeKeyv(store: KeyvSqlite | Map<string, string>, log: Logger): Keyv {
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
  const full = (key: string) => `${NAMESPACE}:${key}`;
  return wrap(log, {
    // Same rows as Keyv wrote them: key "keyv:<key>", value JSON {"value":…} (expires only with a TTL, which we never set).
    async get(key) {
      const raw = await rows.read(full(key));
      const envelope = raw === undefined ? undefined : (JSON.parse(raw) as Envelope | null);
      if (envelope === undefined || envelope === null) return undefined;
      if (typeof envelope.expires === 'number' && Date.now() > envelope.expires) {
        await this.delete(key);
        return undefined;
      }
      return envelope.value as never;
    },
    async set(key, value) {
      if (typeof value === 'symbol') throw new Error('symbol cannot be serialized');
      await rows.write(full(key), JSON.stringify({ value, expires: undefined }));
    },
    async delete(key) {
      await rows.settle();
      const found = await query(`SELECT key FROM ${table} WHERE key = ?`, full(key));
      if (found.length === 0) return false;
      await query(`DELETE FROM ${table} WHERE key = ?`, full(key));
      return true;
    },
    async scan(prefix) {
      await rows.settle();
      const from = full(prefix);
      const found = (await query(`SELECT key, value FROM ${table} WHERE key >= ? AND key < ? ORDER BY key`, from, `${from}\uffff`)) as Array<{ key: string; value: string }>;
      return found.map((row) => [row.key.slice(NAMESPACE.length + 1), (JSON.parse(row.value) as Envelope).value] as [string, never]);
    },
    async deletePrefix(prefix) {
      await rows.settle();
      const from = full(prefix);
      const [row] = (await query(`SELECT count(*) AS n FROM ${table} WHERE key >= ? AND key < ?`, from, `${from}\uffff`)) as Array<{ n: number }>;
      await query(`DELETE FROM ${table} WHERE key >= ? AND key < ?`, from, `${from}\uffff`);
      return row?.n ?? 0;
    },
    async close() {
      await rows.settle();
      await adapter.disconnect();
    },
  });
}

type Query = (sql: string, ...params: unknown[]) => Promise<Array<Record<string, unknown>>>;

interface Waiter<T> {
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
}

// Well under SQLite's limit of 32766 bound parameters per statement.
const READ_CHUNK = 500;
const WRITE_CHUNK = 250;

/**
 * Reads and upserts of single rows are batched: waiting ones go to SQLite as
 * one `SELECT … WHERE key IN (…)` or one multi-row `INSERT … ON CONFLICT DO
 * UPDATE`. Each statement costs a prepare, several trips through libuv's thread
 * pool and (for an upsert) a commit, so under load this cuts the cost of a
 * tally write several times. One statement of each kind runs at a time and
 * what arrives meanwhile waits for it, so batches grow with the load on their
 * own; alone, a call goes out on the next turn of the event loop. A write
 * resolves once its statement has committed; a read of a key with a write
 * queued or running waits for that write.
 */
class RowBatcher {
  #reads = new Map<string, Array<Waiter<string | undefined>>>();
  #writes = new Map<string, { raw: string; waiters: Array<Waiter<void>> }>();
  /** Keys whose upsert is running, and the statement's promise. */
  readonly #writing = new Map<string, Promise<void>>();
  readonly #running = new Set<Promise<void>>();
  #readBusy = false;
  #writeBusy = false;
  #readScheduled = false;
  #writeScheduled = false;

  constructor(
    private readonly query: Query,
    private readonly table: string,
  ) {}

  read(key: string): Promise<string | undefined> {
    return new Promise((resolve, reject) => {
      const waiters = this.#reads.get(key);
      if (waiters) waiters.push({ resolve, reject });
      else this.#reads.set(key, [{ resolve, reject }]);
      this.#kickReads();
    });
  }

  write(key: string, raw: string): Promise<void> {
    return new Promise((resolve, reject) => {
      // Two writes of one key in one batch: the later value wins, as two upserts in a row would.
      const pending = this.#writes.get(key);
      if (pending) {
        pending.raw = raw;
        pending.waiters.push({ resolve, reject });
      } else this.#writes.set(key, { raw, waiters: [{ resolve, reject }] });
      this.#kickWrites();
    });
  }

  /**
   * Resolves once every read and write issued before the call has finished
   * (not later ones, so a scan cannot starve under load). Scans, deletes and
   * close call it so they see every write issued before them.
   */
  async settle(): Promise<void> {
    const waits: Array<Promise<unknown>> = [...this.#running];
    for (const w of this.#writes.values()) waits.push(new Promise<void>((resolve) => w.waiters.push({ resolve, reject: () => resolve() })));
    for (const list of this.#reads.values()) waits.push(new Promise<void>((resolve) => list.push({ resolve: () => resolve(), reject: () => resolve() })));
    await Promise.all(waits);
  }

  #kickWrites(): void {
    if (this.#writeBusy || this.#writeScheduled || this.#writes.size === 0) return;
    this.#writeScheduled = true;
    setImmediate(() => {
      this.#writeScheduled = false;
      this.#flushWrites();
    });
  }

  #kickReads(): void {
    if (this.#readBusy || this.#readScheduled || this.#reads.size === 0) return;
    this.#readScheduled = true;
    setImmediate(() => {
      this.#readScheduled = false;
      this.#flushReads();
    });
  }

  #track(run: Promise<void>): void {
    this.#running.add(run);
    void run.finally(() => this.#running.delete(run));
  }

  #flushWrites(): void {
    if (this.#writeBusy || this.#writes.size === 0) return;
    this.#writeBusy = true;
    const entries = [...this.#writes];
    this.#writes = new Map();
    const runs: Array<Promise<void>> = [];
    for (let i = 0; i < entries.length; i += WRITE_CHUNK) runs.push(this.#upsert(entries.slice(i, i + WRITE_CHUNK)));
    void Promise.all(runs).then(() => {
      this.#writeBusy = false;
      this.#kickWrites();
    });
  }

  #flushReads(): void {
    if (this.#readBusy || this.#reads.size === 0) return;
    this.#readBusy = true;
    const reads = this.#reads;
    this.#reads = new Map();
    // Read-your-writes: wait for writes of these keys that are queued or running.
    const before: Array<Promise<unknown>> = [];
    for (const key of reads.keys()) {
      const writing = this.#writing.get(key);
      if (writing) before.push(writing);
      const queued = this.#writes.get(key);
      if (queued) before.push(new Promise<void>((resolve) => queued.waiters.push({ resolve, reject: () => resolve() })));
    }
    const keys = [...reads.keys()];
    const run = Promise.all(before).then(() => {
      const runs: Array<Promise<void>> = [];
      for (let i = 0; i < keys.length; i += READ_CHUNK) runs.push(this.#select(keys.slice(i, i + READ_CHUNK), reads));
      return Promise.all(runs);
    });
    void run.then(() => {
      this.#readBusy = false;
      this.#kickReads();
    });
  }

  #upsert(entries: Array<[string, { raw: string; waiters: Array<Waiter<void>> }]>): Promise<void> {
    const params: string[] = [];
    for (const [key, { raw }] of entries) params.push(key, raw);
    const values = entries.map(() => '(?, ?)').join(', ');
    const run = this.query(`INSERT INTO ${this.table} (key, value) VALUES ${values} ON CONFLICT(key) DO UPDATE SET value = excluded.value`, ...params).then(
      () => {
        for (const [, { waiters }] of entries) for (const w of waiters) w.resolve();
      },
      (error: unknown) => {
        for (const [, { waiters }] of entries) for (const w of waiters) w.reject(error);
      },
    );
    for (const [key] of entries) this.#writing.set(key, run);
    const done = run.finally(() => {
      for (const [key] of entries) if (this.#writing.get(key) === run) this.#writing.delete(key);
    });
    this.#track(done);
    return done;
  }

  #select(keys: string[], reads: Map<string, Array<Waiter<string | undefined>>>): Promise<void> {
    const placeholders = keys.map(() => '?').join(', ');
    const run = this.query(`SELECT key, value FROM ${this.table} WHERE key IN (${placeholders})`, ...keys).then(
      (rows) => {
        const found = new Map<string, string>();
        for (const row of rows) found.set(row.key as string, row.value as string);
        for (const key of keys) for (const w of reads.get(key)!) w.resolve(found.get(key));
      },
      (error: unknown) => {
        for (const key of keys) for (const w of reads.get(key)!) w.reject(error);
      },
    );
    this.#track(run);
    return run;
  }
}

function memoryStore(log: Logger): Store {
  const map = new Map<string, string>();
  const keyv = makeKeyv(map, log);
  const keysWith = (prefix: string) => [...map.keys()].filter((k) => k.startsWith(`${NAMESPACE}:${prefix}`)).sort();
  return wrap(log, {
    get: (key) => keyv.get(key),
    async set(key, value) {
      await keyv.set(key, value);
    },
    delete: (key) => keyv.delete(key),
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

type Backend = Pick<Store, 'get' | 'set' | 'delete' | 'scan' | 'deletePrefix' | 'close'>;

function wrap(log: Logger, backend: Backend): Store {
  const lock = new KeyedLock();
  // Every failure reaches the caller (who tells the user) and the log (for the operator).
  const logged = <A extends unknown[], R>(op: string, fn: (...args: A) => Promise<R>) =>
    (...args: A): Promise<R> =>
      fn(...args).catch((error: unknown) => {
        log.error({ err: error, op, key: args[0] }, 'storage error');
        throw error;
      });
  return {
    get: logged('get', (key: string) => backend.get(key)),
    set: logged('set', (key: string, value: unknown) => backend.set(key, value)),
    delete: logged('delete', (key: string) => backend.delete(key)),
    update: logged('update', (key: string, change: (current: never) => unknown) =>
      lock.run(key, async () => {
        const next = await change((await backend.get(key)) as never);
        if (next === undefined) await backend.delete(key);
        else await backend.set(key, next);
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
