import type { Store } from './store.js';

export type CopyOutcome = { kind: 'copied'; records: number } | { kind: 'target-not-empty'; records: number } | { kind: 'count-mismatch'; copied: number; found: number };

/**
 * Copies every record of one store into another (SQLite to PostgreSQL, say),
 * through the Store interface, so any pair of backends works. A target that
 * already holds records is refused unless `overwrite` is set: then records of
 * the same key are replaced and others left. The copy is checked by reading
 * every key back and comparing the values.
 */
export async function copyStore(from: Store, to: Store, { overwrite = false } = {}): Promise<CopyOutcome> {
  const existing = (await to.scan('')).length;
  if (existing > 0 && !overwrite) return { kind: 'target-not-empty', records: existing };
  const records = await from.scan<unknown>('');
  // Sequential in small batches: a large copy should not open thousands of writes at once.
  for (let i = 0; i < records.length; i += 100) {
    await Promise.all(records.slice(i, i + 100).map(([key, value]) => to.set(key, value)));
  }
  let found = 0;
  for (const [key, value] of records) {
    if (JSON.stringify(await to.get(key)) === JSON.stringify(value)) found += 1;
  }
  return found === records.length ? { kind: 'copied', records: records.length } : { kind: 'count-mismatch', copied: records.length, found };
}
