import { resolve } from 'node:path';
import { databaseFileFromEnv, shown } from './data-file.js';
import { backupDatabase, defaultBackupFile } from './storage/sqlite/backup.js';
import { formatCounts } from './storage/sqlite/inspect.js';

/** `npm run backup [file]`: a consistent copy of the database, safe while the bot runs. */
async function main(): Promise<void> {
  const database = databaseFileFromEnv();
  const started = performance.now();
  const target = process.argv[2] ? resolve(process.argv[2]) : defaultBackupFile(database, Date.now());
  const outcome = await backupDatabase(database, target);
  switch (outcome.kind) {
    case 'done':
      process.stdout.write(`Backed up ${shown(database)} to ${shown(outcome.file)}: ${formatCounts(outcome.records)}, in ${Math.round(performance.now() - started)} ms.\n`);
      return;
    case 'no-database':
      throw new Error(`There is no database at ${shown(outcome.file)} yet (STORAGE_URL): nothing to back up.`);
    case 'target-exists':
      throw new Error(`${shown(outcome.file)} already exists; choose another file name. Nothing was written.`);
    case 'check-failed':
      throw new Error(`The copy of ${shown(database)} ${outcome.problem}, so no backup was kept. The database itself may be damaged: keep the bot's last good backup.`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`Backup failed: ${(error as Error).message}\n`);
  process.exitCode = 1;
});
