import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { openConnection } from './connection.js';
import { inspectDatabase, type RecordCounts } from './inspect.js';

export type BackupOutcome =
  | { kind: 'done'; file: string; records: RecordCounts }
  | { kind: 'no-database'; file: string }
  | { kind: 'target-exists'; file: string }
  /** The copy did not pass the checks (it is deleted); the database itself may be damaged. */
  | { kind: 'check-failed'; problem: string };

/** "2026-05-17T093000Z": sortable, and without the colons some file systems refuse. */
export const fileTime = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/:/g, '');

/** `<db folder>/backups/<db name>-<time>.sqlite`, with -2, -3… if a backup of that second exists. */
export function defaultBackupFile(databaseFile: string, now: number): string {
  const dir = join(dirname(databaseFile), 'backups');
  const stem = `${basename(databaseFile, extname(databaseFile))}-${fileTime(now)}`;
  for (let n = 1; ; n++) {
    const file = join(dir, `${stem}${n === 1 ? '' : `-${n}`}.sqlite`);
    if (!existsSync(file)) return file;
  }
}

/**
 * Copies the database into `target` while the bot may be writing to it, with
 * SQLite's online backup API: a consistent snapshot of every committed write,
 * unlike copying the file (which can catch a write half-done, and misses what
 * is still in the -wal file). The copy is written under a temporary name,
 * switched out of WAL mode so that it is one self-contained file, checked like
 * a restore would check it, and only then given its name.
 */
export async function backupDatabase(databaseFile: string, target: string): Promise<BackupOutcome> {
  if (!existsSync(databaseFile)) return { kind: 'no-database', file: databaseFile };
  if (existsSync(target)) return { kind: 'target-exists', file: target };
  await mkdir(dirname(target), { recursive: true });
  const partial = `${target}.partial`;
  const removePartial = () => Promise.all(['', '-wal', '-shm', '-journal'].map((s) => rm(`${partial}${s}`, { force: true })));
  await removePartial();
  try {
    const source = await openConnection(databaseFile);
    try {
      await source.backupTo(partial);
    } finally {
      await source.close();
    }
    const copy = await openConnection(partial);
    try {
      await copy.all('PRAGMA journal_mode = DELETE');
    } finally {
      await copy.close();
    }
    const checked = await inspectDatabase(partial);
    if (!checked.ok) {
      await removePartial();
      return { kind: 'check-failed', problem: checked.problem };
    }
    await rename(partial, target);
    return { kind: 'done', file: target, records: checked.records };
  } catch (error) {
    await removePartial();
    throw error;
  }
}
