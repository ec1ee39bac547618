import { resolve } from 'node:path';
import type { Logger } from 'pino';
import { maskUrl } from './connection.js';
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
    example: 'redis://:password@127.0.0.1:6379',
    about: 'a Redis server that every bot process shares; rediss:// for TLS, /N for database N',
    pattern: /^(rediss?:\/\/.+)$/,
    open: async (url, log) => (await import('./redis/index.js')).openRedisStore(url, log),
  },
  {
    example: 'postgresql://user:password@127.0.0.1:5432/bot',
    about: 'a PostgreSQL database that every bot process shares; postgres:// too',
    // The database is named explicitly: without one, PostgreSQL would quietly pick the user's name.
    pattern: /^(postgres(?:ql)?:\/\/[^/?#]*\/[^/?#]+.*)$/,
    open: async (url, log) => (await import('./postgres/index.js')).openPostgresStore(url, log),
  },
  {
    example: 'memory://',
    about: 'a throwaway store',
    pattern: /^memory:(?:\/\/)?$/,
    open: async (_, log) => openMemoryStore(log),
  },
];

export const isSupportedStorageUrl = (url: string): boolean => STORAGE_SCHEMES.some((s) => s.pattern.test(url));

/** For messages: "sqlite://data/bot.sqlite (a SQLite file, …), redis://… (…) or memory:// (a throwaway store)". */
const described = STORAGE_SCHEMES.map((s) => `${s.example} (${s.about})`);
export const SUPPORTED_STORAGE_URLS = `${described.slice(0, -1).join(', ')} or ${described.at(-1)}`;

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
  // The URL may hold a password: it is shown masked.
  throw new StorageError(`STORAGE_URL "${maskUrl(url)}" is not supported: use ${SUPPORTED_STORAGE_URLS}`);
}
