import { relative, isAbsolute } from 'node:path';
import { ConfigError, loadDotEnv, loadStorageConfig } from './config.js';
import { sqliteFileOf } from './storage/open.js';

/**
 * The SQLite file the bot keeps its data in, read from STORAGE_URL in .env or
 * the environment as `npm start` reads it, for `npm run backup` and `npm run
 * restore`. They need no token. Throws a message fit for the operator.
 */
export function databaseFileFromEnv(): string {
  let url: string;
  try {
    loadDotEnv();
    url = loadStorageConfig(process.env).STORAGE_URL;
  } catch (error) {
    throw new Error(error instanceof ConfigError ? error.message : `Could not read the configuration: ${(error as Error).message}`);
  }
  const file = sqliteFileOf(url);
  if (file === undefined) {
    throw new Error(`STORAGE_URL is "${url}", which keeps no file to back up or restore. Backups and restores work on a SQLite file: STORAGE_URL=sqlite://data/bot.sqlite.`);
  }
  return file;
}

/** A path as the operator would type it: relative to the working folder when it is inside it. */
export function shown(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}
