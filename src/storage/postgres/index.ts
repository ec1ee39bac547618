import KeyvPostgres from '@keyv/postgres';
import pg from 'pg';
import type { Logger } from 'pino';
import { jsonKeyv } from '../json-keyv.js';
import { maskUrl, OPEN_TIMEOUT_MS, openFailure, withTimeout } from '../connection.js';
import { KeyedLock } from '../lock.js';
import { logFailures, runChange } from '../logged.js';
import { PendingWrites } from '../pending.js';
import type { Change, Store } from '../store.js';
import { deleteRows, NAMESPACE, rowKey, scanRows, SCHEMA, TABLE, updateRow } from './keyv-rows.js';

/** An update waiting this long for another process's lock on its key fails instead of hanging. */
const LOCK_WAIT_MS = 20_000;
/**
 * A connection that sits inside a transaction this long (an update whose
 * process stalled) is closed by the server, which rolls the update back and
 * frees its lock for the other processes.
 */
const STALLED_UPDATE_MS = 10_000;
/** A statement with no answer this long (a server gone without closing the connection) fails. */
const QUERY_TIMEOUT_MS = 30_000;

/**
 * @keyv/postgres keeps one pool for the whole module and its disconnect() ends
 * whichever pool was made last, so two stores in one process (a test, or a
 * reopen) would close each other's connections. This adapter runs on the
 * store's own pool, which the update transactions use too.
 */
function adapterOn(pool: pg.Pool): KeyvPostgres {
  class OwnPool extends KeyvPostgres {
    override async connect() {
      return async (sql: string, values?: unknown[]) => (await pool.query(sql, values)).rows;
    }
    override async disconnect() {
      await pool.end();
    }
  }
  return new OwnPool({ schema: SCHEMA, table: TABLE });
}

/**
 * Opens a PostgreSQL database (`postgresql://` or `postgres://`) that several
 * bot processes may share: updates are transactions holding an advisory lock
 * on their key (see updateRow). Fails within a few seconds, with one line
 * naming STORAGE_URL, when the server cannot be reached or refuses the
 * password or database.
 */
export async function openPostgresStore(url: string, log: Logger): Promise<Store> {
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    // Both the time to connect and the time to wait for a free connection.
    connectionTimeoutMillis: OPEN_TIMEOUT_MS,
    lock_timeout: LOCK_WAIT_MS,
    idle_in_transaction_session_timeout: STALLED_UPDATE_MS,
    query_timeout: QUERY_TIMEOUT_MS,
    keepAlive: true,
    application_name: 'sourcing-bot',
  });
  // An idle connection the server dropped: the pool replaces it; without a listener it would crash the process.
  pool.on('error', (error) => log.warn({ err: error, storage: maskUrl(url) }, 'storage connection error'));
  try {
    await withTimeout(pool.query('SELECT 1'), OPEN_TIMEOUT_MS, 'the PostgreSQL server');
  } catch (error) {
    void pool.end().catch(() => {});
    throw openFailure(url, error);
  }

  const adapter = adapterOn(pool);
  // The adapter creates its table as it starts and reports a failure only as an event: keep the first for the message.
  let adapterFailure: unknown;
  adapter.on('error', (error: unknown) => {
    adapterFailure ??= error;
    log.debug({ err: error }, 'storage adapter error event');
  });
  try {
    await withTimeout(adapter.query(`SELECT count(*) FROM ${SCHEMA}.${TABLE}`), OPEN_TIMEOUT_MS, 'the PostgreSQL server');
  } catch (error) {
    void pool.end().catch(() => {});
    throw openFailure(url, adapterFailure ?? error);
  }

  // Keys are prefixed by rowKey, not by Keyv (see keyv-rows.ts).
  const keyv = jsonKeyv(adapter, log, { namespace: NAMESPACE, useKeyPrefix: false });

  const lock = new KeyedLock();
  const pending = new PendingWrites();

  const store: Store = {
    get: (key) => keyv.get(rowKey(key)),
    set: async (key, value) => {
      await pending.track(keyv.set(rowKey(key), value));
    },
    delete: (key) => pending.track(keyv.delete(rowKey(key))),
    // The in-process lock keeps this process's updates of a key from taking a connection each just to wait on the advisory lock.
    update: <T>(key: string, change: Change<T>) => lock.run(key, () => updateRow<T>(pool, key, (current) => runChange(change, current))),
    async scan<T>(prefix: string) {
      await pending.settle();
      return scanRows<T>(pool, prefix);
    },
    async deletePrefix(prefix) {
      await pending.settle();
      return deleteRows(pool, prefix);
    },
    async close() {
      await lock.drain();
      await pending.settle();
      await adapter.disconnect();
    },
  };
  return logFailures(store, log);
}
