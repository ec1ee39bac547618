import { join } from 'node:path';
import type { Logger } from 'pino';
import { openStore } from '../../src/storage/open.js';
import type { Store } from '../../src/storage/store.js';
import { tempDir } from './temp.js';

/**
 * A real SQLite store in a fresh temp folder; `reopen` closes it and opens the
 * same file again. Its closing and the folder's removal are pushed onto
 * `cleanups`, which the caller runs (in reverse) after each test.
 */
export async function tempSqliteStore(cleanups: Array<() => Promise<void> | void>, log: Logger): Promise<{ store: Store; reopen: () => Promise<Store> }> {
  const { dir, cleanup } = tempDir();
  cleanups.push(cleanup);
  const url = `sqlite://${join(dir, 'bot.sqlite')}`;
  let store = await openStore(url, log);
  cleanups.push(() => store.close());
  return {
    store,
    reopen: async () => {
      await store.close();
      store = await openStore(url, log);
      return store;
    },
  };
}
