import { open, stat } from 'node:fs/promises';
import { plural } from '../../render/text.js';
import { openConnection } from './connection.js';
import { NAMESPACE, TABLE } from './keyv-rows.js';

export interface RecordCounts {
  total: number;
  /** Records by what they hold (see KINDS), in the order of KINDS. */
  byKind: Array<{ label: string; count: number }>;
}

export type Inspection = { ok: true; records: RecordCounts } | { ok: false; problem: string };

/** What the keys hold, for the counts the tools print; the first matching prefix wins. */
const KINDS: ReadonlyArray<{ prefix: string; one: string; many: string }> = [
  { prefix: 'tally:', one: 'tally', many: 'tallies' },
  { prefix: 'seen:practice:', one: 'practice history', many: 'practice histories' },
  { prefix: 'round-picks:', one: 'round of picks', many: 'rounds of picks' },
  { prefix: 'learning:', one: 'learning record', many: 'learning records' },
  { prefix: 'round:', one: 'running round', many: 'running rounds' },
  { prefix: 'round-answer:', one: 'click in a running round', many: 'clicks in running rounds' },
  { prefix: 'schedules:', one: 'server’s schedules', many: 'servers’ schedules' },
  { prefix: 'guild-settings:', one: 'server setting', many: 'server settings' },
  { prefix: '', one: 'other', many: 'others' },
];

const HEADER = Buffer.from('SQLite format 3\0', 'latin1');

/**
 * Checks that a file is a sound database of this bot: a SQLite file that
 * passes the full integrity check, with the Keyv table, every record of which
 * can be read. Opens the file read-write (SQLite may add -wal and -shm files
 * next to a WAL-mode file), so callers pass a file of their own.
 */
export async function inspectDatabase(file: string): Promise<Inspection> {
  const fail = (problem: string): Inspection => ({ ok: false, problem });
  const info = await stat(file).catch(() => undefined);
  if (!info) return fail('does not exist');
  if (!info.isFile()) return fail('is not a file');
  if (info.size === 0) return fail('is empty');
  const head = Buffer.alloc(HEADER.length);
  const handle = await open(file, 'r');
  try {
    await handle.read(head, 0, HEADER.length, 0);
  } finally {
    await handle.close();
  }
  if (!head.equals(HEADER)) return fail('is not a SQLite database (it does not start with the SQLite header)');

  let db;
  try {
    db = await openConnection(file);
  } catch (error) {
    return fail(`cannot be opened: ${(error as Error).message}`);
  }
  try {
    const check = (await db.all('PRAGMA integrity_check'))
      .flatMap((row) => String(Object.values(row)[0]).split('\n'))
      .filter((line) => !line.startsWith('***'));
    if (check.length !== 1 || check[0] !== 'ok') {
      const more = check.length > 1 ? ` (and ${plural(check.length - 1, 'more problem')})` : '';
      return fail(`fails SQLite's integrity check: ${check[0]}${more}`);
    }
    const tables = await db.all('SELECT name FROM sqlite_master WHERE type = ? AND name = ?', 'table', TABLE);
    if (tables.length === 0) return fail(`has no "${TABLE}" table, so it is not a database of this bot`);
    const rows = await db.all<{ key: unknown; value: unknown }>(`SELECT key, value FROM ${TABLE}`);
    const counts = new Map<(typeof KINDS)[number], number>();
    const unreadable: string[] = [];
    for (const { key, value } of rows) {
      const ours = typeof key === 'string' && key.startsWith(`${NAMESPACE}:`) ? key.slice(NAMESPACE.length + 1) : undefined;
      if (ours === undefined || !readable(value)) {
        unreadable.push(String(key));
        continue;
      }
      const kind = KINDS.find((k) => ours.startsWith(k.prefix))!;
      counts.set(kind, (counts.get(kind) ?? 0) + 1);
    }
    if (unreadable.length > 0) return fail(`has ${plural(unreadable.length, 'record')} that cannot be read (the first is "${unreadable[0]!.slice(0, 80)}")`);
    return {
      ok: true,
      records: { total: rows.length, byKind: KINDS.filter((k) => counts.has(k)).map((k) => ({ label: plural(counts.get(k)!, k.one, k.many), count: counts.get(k)! })) },
    };
  } catch (error) {
    return fail(`cannot be read as a SQLite database: ${(error as Error).message}`);
  } finally {
    await db.close().catch(() => {});
  }
}

/** A value as Keyv stores it: the JSON envelope {"value": …}. */
function readable(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    const parsed = JSON.parse(value) as unknown;
    return typeof parsed === 'object' && parsed !== null && 'value' in parsed;
  } catch {
    return false;
  }
}

/** "312 records (250 tallies, 41 practice histories, 20 rounds of picks, 1 other)". */
export function formatCounts(records: RecordCounts): string {
  const parts = records.byKind.map((k) => k.label);
  return `${plural(records.total, 'record')}${parts.length ? ` (${parts.join(', ')})` : ''}`;
}
