import { existsSync } from 'node:fs';
import { openConnection } from './connection.js';

export type DatabaseUse = 'missing' | 'free' | 'in-use' | 'unreadable';

/**
 * Whether another process has the database open, asked of SQLite itself: an
 * exclusive lock is refused while any other connection has the file open in
 * WAL mode, as the bot does from start to stop (its connection keeps a shared
 * lock even between writes). Locks die with their process, so a crashed bot
 * leaves nothing stale behind, and a sqlite3 shell or a backup in progress
 * count as well. (A pid file written by the bot would name the process, but
 * goes stale after a crash, and pids are reused after a reboot.)
 *
 * Closing the probe's connection may fold a WAL left by a crash into the
 * database file, which changes its bytes but not its contents.
 */
export async function databaseUse(file: string): Promise<DatabaseUse> {
  if (!existsSync(file)) return 'missing';
  let db;
  try {
    // A short wait: a running bot holds its lock for good, so waiting longer would not help.
    db = await openConnection(file, { busyTimeoutMs: 250 });
  } catch {
    return 'unreadable';
  }
  try {
    await db.run('PRAGMA locking_mode = EXCLUSIVE');
    await db.run('BEGIN EXCLUSIVE');
    await db.run('ROLLBACK');
    return 'free';
  } catch (error) {
    const code = (error as { code?: string }).code;
    return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED' ? 'in-use' : 'unreadable';
  } finally {
    await db.close().catch(() => {});
  }
}
