import { resolve } from 'node:path';
import { databaseFileFromEnv, shown } from './data-file.js';
import { formatCounts } from './storage/sqlite/inspect.js';
import { restoreDatabase } from './storage/sqlite/restore.js';

/** `npm run restore <file>`: puts a backup in place of the database while the bot is stopped. */
async function main(): Promise<void> {
  const arg = process.argv[2];
  if (!arg) throw new Error('Name the backup to restore: npm run restore data/backups/bot-2026-05-17T093000Z.sqlite');
  const database = databaseFileFromEnv();
  const backup = resolve(arg);
  const outcome = await restoreDatabase(backup, database, Date.now());
  switch (outcome.kind) {
    case 'restored':
      process.stdout.write(
        `Restored ${shown(backup)} to ${shown(database)}: ${formatCounts(outcome.records)}.\n` +
          (outcome.kept ? `The database it replaced is kept as ${shown(outcome.kept)}.\n` : '') +
          'Start the bot again to use it.\n',
      );
      return;
    case 'same-file':
      throw new Error(`${shown(backup)} is the database itself; name a backup file.`);
    case 'bad-backup':
      throw new Error(`${shown(backup)} ${outcome.problem}. Nothing was changed: ${shown(database)} is as it was.`);
    case 'in-use':
      throw new Error(
        `${shown(database)} is open in another process: the bot is running (or another program has the file open). ` +
          'Stop the bot first (Ctrl+C, or `systemctl stop sourcing-bot`), then run the restore again. Nothing was changed.',
      );
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`Restore failed: ${(error as Error).message}\n`);
  process.exitCode = 1;
});
