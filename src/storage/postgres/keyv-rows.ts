import type pg from 'pg';

/*
 * The one place that knows how @keyv/postgres lays out our data: a row
 * (key VARCHAR(255) PRIMARY KEY, value TEXT) in public.keyv, key `keyv:<our
 * key>`, value Keyv's JSON envelope `{"value":…}`. Prefix scans and deletes,
 * and updates (a transaction on one connection, which the adapter cannot
 * run), go to PostgreSQL directly, so they must encode and decode what Keyv does.
 */

export const NAMESPACE = 'keyv';
export const SCHEMA = 'public';
export const TABLE = 'keyv';
const QUALIFIED = `${SCHEMA}.${TABLE}`;

/** Keyv is told not to prefix keys (its prefixing skips a key that already starts with "keyv:"); we always do, here. */
export const rowKey = (key: string): string => `${NAMESPACE}:${key}`;
const encode = (value: unknown): string => JSON.stringify({ value });
const decode = <T>(raw: string): T => (JSON.parse(raw) as { value: T }).value;

/**
 * LIKE with every wildcard in the prefix escaped: exact whatever the
 * database's collation, which a key range is not (under most locales
 * 'p:' < 'p1' < 'p:z' sorts by letters first). It reads the whole table; the
 * bot's tables are small enough that this costs milliseconds.
 */
const likePrefix = (prefix: string): string => `${rowKey(prefix).replace(/[\\%_]/g, '\\$&')}%`;

export async function scanRows<T>(db: pg.Pool, prefix: string): Promise<Array<[string, T]>> {
  const { rows } = await db.query<{ key: string; value: string }>(`SELECT key, value FROM ${QUALIFIED} WHERE key LIKE $1 ESCAPE '\\'`, [likePrefix(prefix)]);
  return rows.map((row): [string, T] => [row.key.slice(NAMESPACE.length + 1), decode<T>(row.value)]);
}

/** One statement, so the count is exactly the rows it deleted, even with writes landing around it. */
export async function deleteRows(db: pg.Pool, prefix: string): Promise<number> {
  return (await db.query(`DELETE FROM ${QUALIFIED} WHERE key LIKE $1 ESCAPE '\\'`, [likePrefix(prefix)])).rowCount ?? 0;
}

/** Advisory locks are one namespace per database: the first half of our lock ids keeps them apart from anyone else's. */
const LOCK_CLASS = 0x6b657976; // "keyv"

/**
 * Reads the key, calls change and writes its result, in one transaction that
 * first takes `pg_advisory_xact_lock` on the key. Why that lock and not
 * `SELECT … FOR UPDATE`: a row that does not exist yet cannot be locked, so two
 * processes creating one key would both read nothing and one increment would
 * be lost. The advisory lock exists whether or not the row does; PostgreSQL
 * releases it at COMMIT or ROLLBACK, and when a process dies mid-update its
 * connection closes, so the lock is never left behind. hashtext may give two
 * keys one lock: they then wait for each other, which costs time, not
 * correctness. If change throws, or any statement fails, the transaction
 * rolls back and the key keeps its value.
 */
export async function updateRow<T>(db: pg.Pool, key: string, change: (current: T | undefined) => Promise<T | undefined>): Promise<T | undefined> {
  const client = await db.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOCK_CLASS, key]);
    const { rows } = await client.query<{ value: string }>(`SELECT value FROM ${QUALIFIED} WHERE key = $1`, [rowKey(key)]);
    const next = await change(rows[0] ? decode<T>(rows[0].value) : undefined);
    if (next === undefined) await client.query(`DELETE FROM ${QUALIFIED} WHERE key = $1`, [rowKey(key)]);
    else await client.query(`INSERT INTO ${QUALIFIED} (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, [rowKey(key), encode(next)]);
    await client.query('COMMIT');
    return next;
  } catch (error) {
    await client.query('ROLLBACK').catch((rollback: unknown) => {
      // The connection itself failed: do not hand it back to the pool.
      broken = rollback as Error;
    });
    throw error;
  } finally {
    client.release(broken);
  }
}
