import { resolve } from 'node:path';
import type { Logger } from 'pino';
import { openMemoryStore } from './memory.js';
import { StorageError, type Store } from './store.js';

interface Scheme {
  /** A URL to show in messages. */
  example: string;
  about: string;
  /** Matches a URL for this backend; group 1 is the location within it. */
  pattern: RegExp;
  open(location: string, log: Logger): Promise<Store>;
}

/**
 * The backends STORAGE_URL can pick, the one list that both openStore and the
 * configuration check read. A backend's driver is imported only when its
 * scheme is chosen, so checking the configuration loads none.
 */
const SQLITE: Scheme = {
  example: 'sqlite://data/bot.sqlite',
  about: 'a SQLite file, created with its folder',
  pattern: /^sqlite:\/\/(.+)$/,
  open: async (path, log) => (await import('./sqlite/index.js')).openSqliteStore(resolve(path), log),
};

export const STORAGE_SCHEMES: readonly Scheme[] = [
  SQLITE,
  {
    example: 'memory://',
    about: 'a throwaway store',
    pattern: /^memory:(?:\/\/)?$/,
    open: async (_, log) => openMemoryStore(log),
  },
];

export const isSupportedStorageUrl = (url: string): boolean => STORAGE_SCHEMES.some((s) => s.pattern.test(url));

/** For messages: "sqlite://data/bot.sqlite (a SQLite file, …) or memory:// (a throwaway store)". */
export const SUPPORTED_STORAGE_URLS = STORAGE_SCHEMES.map((s) => `${s.example} (${s.about})`).join(' or ');

/** The absolute path of the file a sqlite:// URL names, as openStore resolves it; undefined for other backends. */
export function sqliteFileOf(url: string): string | undefined {
  const path = SQLITE.pattern.exec(url)?.[1];
  return path === undefined ? undefined : resolve(path);
}

/** Opens the backend STORAGE_URL names. */
export async function openStore(url: string, log: Logger): Promise<Store> {
  for (const scheme of STORAGE_SCHEMES) {
    const match = scheme.pattern.exec(url);
    if (match) return scheme.open(match[1] ?? '', log);
  }
  throw new StorageError(`STORAGE_URL "${url}" is not supported: use ${SUPPORTED_STORAGE_URLS}`);
}
