import { existsSync } from 'node:fs';
import { copyFile, mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileTime } from './backup.js';
import { openConnection } from './connection.js';
import { databaseUse } from './in-use.js';
import { inspectDatabase, type RecordCounts } from './inspect.js';

export type RestoreOutcome =
  /** `kept` is where the database it replaced now is (undefined when there was none). */
  | { kind: 'restored'; records: RecordCounts; kept: string | undefined }
  | { kind: 'same-file' }
  | { kind: 'bad-backup'; problem: string }
  | { kind: 'in-use' };

/** SQLite's companions of a database file; a WAL-mode database is only whole with its -wal. */
const COMPANIONS = ['-wal', '-shm', '-journal'];

/**
 * Puts a backup in place of the database. Nothing is touched until the backup
 * has been copied next to the database and that copy has passed the checks, and
 * nothing at all while another process (the bot) has the database open. The
 * database it replaces is kept, with its -wal, as `<name>.before-restore-<time>`.
 */
export async function restoreDatabase(backupFile: string, databaseFile: string, now: number): Promise<RestoreOutcome> {
  if (backupFile === databaseFile) return { kind: 'same-file' };
  await mkdir(dirname(databaseFile), { recursive: true });
  const stamp = fileTime(now);
  const staging = freeName(`${databaseFile}.restoring-${stamp}`);
  const removeStaging = () => Promise.all(['', ...COMPANIONS].map((s) => rm(`${staging}${s}`, { force: true })));
  try {
    if (!existsSync(backupFile)) return { kind: 'bad-backup', problem: 'does not exist' };
    // Checked on a copy, so the backup itself is never opened for writing. A -wal
    // beside it (a kept `before-restore` copy, say) holds part of its data: it comes along.
    await copyFile(backupFile, staging);
    if (existsSync(`${backupFile}-wal`)) await copyFile(`${backupFile}-wal`, `${staging}-wal`);
    const checked = await inspectDatabase(staging);
    if (!checked.ok) return { kind: 'bad-backup', problem: checked.problem };
    // One self-contained file until the bot opens it (and switches it to WAL again).
    const copy = await openConnection(staging);
    try {
      await copy.all('PRAGMA journal_mode = DELETE');
    } finally {
      await copy.close();
    }

    if ((await databaseUse(databaseFile)) === 'in-use') return { kind: 'in-use' };
    let kept: string | undefined;
    if (existsSync(databaseFile)) {
      kept = freeName(`${databaseFile}.before-restore-${stamp}`);
      await rename(databaseFile, kept);
      for (const s of COMPANIONS) if (existsSync(`${databaseFile}${s}`)) await rename(`${databaseFile}${s}`, `${kept}${s}`);
    }
    try {
      await rename(staging, databaseFile);
    } catch (error) {
      if (kept) await rename(kept, databaseFile).catch(() => {});
      throw error;
    }
    return { kind: 'restored', records: checked.records, kept };
  } finally {
    await removeStaging();
  }
}

/** `base`, or `base-2`, `base-3`… when a file of that name exists. */
function freeName(base: string): string {
  for (let n = 1; ; n++) {
    const name = n === 1 ? base : `${base}-${n}`;
    if (!existsSync(name)) return name;
  }
}
