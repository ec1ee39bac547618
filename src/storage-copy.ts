import { pino } from 'pino';
import { maskUrl } from './storage/connection.js';
import { copyStore } from './storage/copy.js';
import { isSupportedStorageUrl, openStore, SUPPORTED_STORAGE_URLS } from './storage/open.js';

const USAGE = 'Usage: npm run storage:copy -- <from STORAGE_URL> <to STORAGE_URL> [--overwrite]';

/** `npm run storage:copy <from-url> <to-url>`: every record from one store into another, checked after. Stop the bot first. */
async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const overwrite = args.includes('--overwrite');
  const [from, to, ...rest] = args.filter((a) => a !== '--overwrite');
  if (!from || !to || rest.length > 0) throw new Error(USAGE);
  for (const url of [from, to]) if (!isSupportedStorageUrl(url)) throw new Error(`${maskUrl(url)} is not a storage URL: use ${SUPPORTED_STORAGE_URLS}.`);
  if (from === to) throw new Error('The two URLs name the same store: nothing to copy.');
  const log = pino({ level: 'silent' });
  const source = await openStore(from, log);
  try {
    const target = await openStore(to, log);
    try {
      const outcome = await copyStore(source, target, { overwrite });
      if (outcome.kind === 'target-not-empty') {
        throw new Error(`${maskUrl(to)} already holds ${outcome.records} records; nothing was copied. Copy into an empty store, or add --overwrite to replace records with the same keys.`);
      }
      if (outcome.kind === 'count-mismatch') {
        throw new Error(`Copied ${outcome.copied} records, but ${outcome.copied - outcome.found} read back differently from ${maskUrl(to)}. Do not switch STORAGE_URL to it.`);
      }
      process.stdout.write(`Copied ${outcome.records} records from ${maskUrl(from)} to ${maskUrl(to)}, each read back and checked.\n`);
    } finally {
      await target.close();
    }
  } finally {
    await source.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`storage:copy: ${(error as Error).message}\n`);
  process.exitCode = 1;
});
