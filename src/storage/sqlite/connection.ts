import sqlite3 from 'sqlite3';

/**
 * A plain SQLite connection for the backup and restore tools, which work on
 * whole files rather than on keys. The bot itself goes through @keyv/sqlite.
 */
export interface Connection {
  all<T = Record<string, unknown>>(sql: string, ...params: unknown[]): Promise<T[]>;
  run(sql: string, ...params: unknown[]): Promise<void>;
  /** Copies the whole database into `file` with SQLite's online backup API. */
  backupTo(file: string): Promise<void>;
  close(): Promise<void>;
}

/** The part of node-sqlite3's Backup object we use (its type definitions leave it out). */
interface Backup {
  step(pages: number, callback: (error: (Error & { code?: string }) | null, done?: boolean) => void): void;
  finish(callback?: () => void): void;
}
type WithBackup = sqlite3.Database & { backup(file: string, callback: (error: Error | null) => void): Backup };

/** How often a step that found the source busy is tried again, and how long apart. */
const BUSY_RETRIES = 50;
const BUSY_WAIT_MS = 100;

/** Opens an existing file (never creates one unless asked), waiting up to busyTimeoutMs (5 s) for another process's lock. */
export function openConnection(file: string, { create = false, busyTimeoutMs = 5000 } = {}): Promise<Connection> {
  const mode = sqlite3.OPEN_READWRITE | (create ? sqlite3.OPEN_CREATE : 0);
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(file, mode, (error) => {
      if (error) return reject(error);
      db.configure('busyTimeout', busyTimeoutMs);
      resolve(wrap(db as WithBackup));
    });
  });
}

function wrap(db: WithBackup): Connection {
  return {
    all: <T>(sql: string, ...params: unknown[]) =>
      new Promise<T[]>((resolve, reject) => db.all<T>(sql, params, (error, rows) => (error ? reject(error) : resolve(rows)))),
    run: (sql: string, ...params: unknown[]) => new Promise<void>((resolve, reject) => db.run(sql, params, (error) => (error ? reject(error) : resolve()))),
    close: () => new Promise<void>((resolve, reject) => db.close((error) => (error ? reject(error) : resolve()))),
    backupTo: (file) =>
      new Promise<void>((resolve, reject) => {
        const backup = db.backup(file, (error) => {
          if (error) return reject(error);
          step(BUSY_RETRIES);
        });
        // -1 copies every page in one step, inside one read transaction: in WAL
        // mode that is a consistent snapshot, and the bot's writes go on meanwhile.
        // (Smaller steps would restart whenever the bot wrote between two of them.)
        const step = (retries: number) =>
          backup.step(-1, (error, done) => {
            const busy = error && (error.code === 'SQLITE_BUSY' || error.code === 'SQLITE_LOCKED');
            if (busy && retries > 0) return void setTimeout(() => step(retries - 1), BUSY_WAIT_MS);
            if (error) return backup.finish(() => reject(error));
            if (!done) return step(retries);
            backup.finish(() => resolve());
          });
      }),
  };
}
