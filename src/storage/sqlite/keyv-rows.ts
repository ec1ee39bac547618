import { EventEmitter } from 'node:events';
import type { RowBatcher, Query } from './batcher.js';

/*
 * The one place that knows how Keyv lays out its rows: key `keyv:<our key>`,
 * value the JSON envelope `{"value":…,"expires":…}`. Prefix scans and deletes
 * go to SQLite directly as key ranges (Keyv has no prefix operations), so
 * they must decode what Keyv encoded.
 */

export const NAMESPACE = 'keyv';
/** @keyv/sqlite's default table, which the bot uses: the backup and restore tools look for it. */
export const TABLE = 'keyv';
type Envelope = { value: unknown; expires?: number | null };

/** The half-open key range [from, to) of every row whose key starts with prefix. */
function range(prefix: string): [string, string] {
  const from = `${NAMESPACE}:${prefix}`;
  return [from, `${from}\uffff`];
}

export async function scanRows<T>(query: Query, table: string, prefix: string): Promise<Array<[string, T]>> {
  const found = (await query(`SELECT key, value FROM ${table} WHERE key >= ? AND key < ?`, ...range(prefix))) as Array<{ key: string; value: string }>;
  return found.map((row): [string, T] => [row.key.slice(NAMESPACE.length + 1), (JSON.parse(row.value) as Envelope).value as T]);
}

/** One statement, so the count is exactly the rows it deleted, even with writes landing around it. */
export async function deleteRows(query: Query, table: string, prefix: string): Promise<number> {
  return (await query(`DELETE FROM ${table} WHERE key >= ? AND key < ? RETURNING key`, ...range(prefix))).length;
}

/**
 * A Keyv store adapter over @keyv/sqlite's connection whose single-row reads
 * and writes go through the batcher; rows look exactly as @keyv/sqlite writes them.
 */
export function batchedAdapter(rows: RowBatcher, query: Query, table: string) {
  return Object.assign(new EventEmitter(), {
    namespace: undefined as string | undefined,
    get: (key: string) => rows.read(key),
    async set(key: string, value: string) {
      await rows.write(key, value);
      return true;
    },
    async delete(key: string) {
      // A write of this key may still be queued in the batcher: let it land first.
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
