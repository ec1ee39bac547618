import { join } from 'node:path';
import type { Logger } from 'pino';
import { openMemoryStore } from '../../src/storage/memory.js';
import { openStore } from '../../src/storage/open.js';
import type { Store } from '../../src/storage/store.js';
import { tempDir } from './temp.js';

/** One backend as the contract suite drives it. */
export interface Harness {
  store: Store;
  /** Opens the same data again after close; absent for a backend that keeps nothing. */
  reopen?: () => Promise<Store>;
  /** Makes every write fail, as a full disk or a lost connection would, until heal(); reads keep working. */
  breakWrites(): Promise<void>;
  heal(): Promise<void>;
  cleanup(): Promise<void>;
}

export interface Backend {
  name: string;
  /** A fresh, empty store that logs to log. */
  open(log: Logger): Promise<Harness>;
}

/** A map whose writes throw while `failing` is set. */
class FaultyMap extends Map<string, string> {
  failing = false;
  override set(key: string, value: string): this {
    if (this.failing) throw new Error('injected write failure');
    return super.set(key, value);
  }
  override delete(key: string): boolean {
    if (this.failing) throw new Error('injected write failure');
    return super.delete(key);
  }
}

/** Runs SQL on its own connection to the file, as another process would. */
async function sqliteExec(file: string, sql: string): Promise<void> {
  const { default: sqlite3 } = await import('sqlite3');
  const db = new sqlite3.Database(file);
  await new Promise<void>((resolve, reject) => db.exec(sql, (error) => (error ? reject(error) : resolve())));
  await new Promise<void>((resolve) => db.close(() => resolve()));
}

// Triggers on the table @keyv/sqlite creates: SQLite itself then refuses every write.
const FAIL = ['INSERT', 'UPDATE', 'DELETE'].map((op) => `CREATE TRIGGER fail_${op} BEFORE ${op} ON keyv BEGIN SELECT RAISE(ABORT, 'injected write failure'); END;`).join('\n');
const HEAL = ['INSERT', 'UPDATE', 'DELETE'].map((op) => `DROP TRIGGER fail_${op};`).join('\n');

/** Every backend the contract suite runs against: a new backend adds one entry here. */
export const BACKENDS: Backend[] = [
  {
    name: 'memory',
    async open(log) {
      const entries = new FaultyMap();
      const store = openMemoryStore(log, entries);
      return {
        store,
        breakWrites: async () => void (entries.failing = true),
        heal: async () => void (entries.failing = false),
        cleanup: () => store.close(),
      };
    },
  },
  {
    name: 'SQLite',
    async open(log) {
      const tmp = tempDir('storage-contract-');
      const file = join(tmp.dir, 'bot.sqlite');
      const opened: Store[] = [];
      const reopen = async () => {
        const store = await openStore(`sqlite://${file}`, log);
        opened.push(store);
        return store;
      };
      return {
        store: await reopen(),
        reopen,
        breakWrites: () => sqliteExec(file, FAIL),
        heal: () => sqliteExec(file, HEAL),
        async cleanup() {
          for (const store of opened) await store.close().catch(() => {});
          tmp.cleanup();
        },
      };
    },
  },
];
