/**
 * `npm run backup` and `npm run restore` as an operator runs them (child processes
 * through tsx), against the real bot writing answers from the local Discord:
 * in this process (startTestBot) or as the `npm start` process (child-bot).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../src/storage/open.js';
import { sqliteFileOf } from '../src/storage/open.js';
import { backupDatabase, defaultBackupFile } from '../src/storage/sqlite/backup.js';
import { openConnection } from '../src/storage/sqlite/connection.js';
import { LocalDiscord, type MessageRecord, type UserRecord } from '../tools/local-discord/index.js';
import { startTestBot, type TestBot } from './support/bot.js';
import { startChildBot, type ChildBot } from './support/child-bot.js';
import { folderSnapshot, query, runDataTool, talliesIn } from './support/data-tools.js';
import { silentLogger } from './support/log.js';
import { buttonsOf, embedOf } from './support/messages.js';
import { tempDir } from './support/temp.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
function folder(): string {
  const tmp = tempDir('sourcing-bot-backup-');
  cleanups.push(tmp.cleanup);
  return tmp.dir;
}

const isQuizQuestion = (m: MessageRecord) => buttonsOf(m).some((b) => b.custom_id.startsWith('quiz:a:'));

async function openRound(discord: LocalDiscord): Promise<MessageRecord> {
  const channelId = discord.channels.quiz.id;
  await discord.runCommand({ user: discord.moderator, channelId, name: 'quiz', subcommand: 'start', options: { questions: 1, seconds: 120 } }).reply();
  return discord.waitForMessage(channelId, isQuizQuestion);
}

async function answer(discord: LocalDiscord, question: MessageRecord, user: UserRecord, option = 0): Promise<void> {
  const reply = await discord.clickButton({ user, messageId: question.id, customId: buttonsOf(question)[option]!.custom_id }).reply(15_000);
  expect(reply.content).toMatch(/^Locked in: [A-E]$/);
}

/** A closed database with `rows` records, as the bot writes them. */
async function database(file: string, rows = 3): Promise<void> {
  const store = await openStore(`sqlite://${file}`, silentLogger());
  for (let i = 0; i < rows; i++) await store.set(`tally:123456789012345678:${1000 + i}`, { userId: String(1000 + i), answered: 1, correct: 1, padding: 'x'.repeat(200) });
  await store.close();
}

describe('npm run backup while the bot is answering clicks', () => {
  it('holds every answer acknowledged before it started, while clicks go on being answered, and restores into a new file that passes the integrity check', { timeout: 90_000 }, async () => {
    const bot: TestBot = await startTestBot();
    cleanups.push(() => bot.stop());
    const dir = folder();
    const d = bot.discord;
    const question = await openRound(d);

    // 20 people clicking at a time, each a new person, until told to stop.
    const ackedAt = new Map<string, number>();
    let sent = 0;
    let stop = false;
    const clicker = async () => {
      while (!stop && sent < 30_000) {
        const user = d.addUser({ username: `writer${sent}` });
        await answer(d, question, user, sent++ % 4);
        ackedAt.set(user.id, performance.now());
      }
    };
    const clickers = Array.from({ length: 20 }, clicker);
    await d.waitFor(() => ackedAt.size >= 200, 20_000, '200 answers');

    const target = join(dir, 'backup.sqlite');
    const started = performance.now();
    const run = await runDataTool('backup', [target], { cwd: dir, env: { STORAGE_URL: bot.config.STORAGE_URL } });
    const ended = performance.now();
    const duringBackup = [...ackedAt.values()].filter((t) => t > started && t < ended).length;
    await d.waitFor(() => [...ackedAt.values()].filter((t) => t > ended).length >= 60, 20_000, '60 answers after the backup');
    stop = true;
    await Promise.all(clickers);

    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const printed = /^Backed up .+ to backup\.sqlite: (\d+) records \((\d+) tallies, .*\), in \d+ ms\.\n$/.exec(run.stdout);
    expect(printed, run.stdout).not.toBeNull();
    expect(duringBackup, 'answers acknowledged while the backup process ran').toBeGreaterThan(0);

    const inBackup = await talliesIn(target, d.guild.id);
    expect(Number(printed![2])).toBe(inBackup.size);
    const before = [...ackedAt].filter(([, t]) => t < started).map(([id]) => id);
    expect(before.length).toBeGreaterThanOrEqual(200);
    for (const id of before) expect(inBackup.get(id), id).toMatchObject({ answered: 1 });
    // A snapshot, not a copy made at the end: answers written after it are not in it.
    const live = await talliesIn(sqliteFileOf(bot.config.STORAGE_URL)!, d.guild.id);
    expect(live.size).toBe(sent);
    expect(inBackup.size).toBeLessThan(live.size);
    for (const id of inBackup.keys()) expect(live.has(id)).toBe(true);
    expect(bot.logs().filter((l) => Number(l['level']) >= 50)).toEqual([]);

    const restored = join(dir, 'new', 'bot.sqlite');
    const restore = await runDataTool('restore', [target], { cwd: dir, env: { STORAGE_URL: `sqlite://${restored}` } });
    expect(restore.stderr).toBe('');
    expect(restore.code).toBe(0);
    // The round is still running in the backup: it is stored, with the clicks on its open question.
    expect(restore.stdout).toMatch(new RegExp(`^Restored backup\\.sqlite to new/bot\\.sqlite: ${printed![1]} records \\(${printed![2]} tallies, 1 running round, \\d+ clicks in running rounds, 3 others\\)\\.\nStart the bot again to use it\\.\n$`));
    expect(await query(restored, 'PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }]);
    expect(await talliesIn(restored, d.guild.id)).toEqual(inBackup);
  });
});

describe('npm run restore and the bot process', () => {
  let discord: LocalDiscord;
  const children: ChildBot[] = [];
  afterEach(async () => {
    await Promise.all(children.splice(0).map((c) => c.dispose()));
    await discord?.stop();
  });

  async function startBotIn(cwd: string): Promise<ChildBot> {
    // A relative STORAGE_URL, resolved against the working folder by the bot and the tools alike.
    const child = await startChildBot({ cwd, env: { DISCORD_TOKEN: discord.token, DISCORD_API_URL: discord.apiUrl, STORAGE_URL: 'sqlite://data/bot.sqlite', LOG_LEVEL: 'info' } });
    children.push(child);
    return child;
  }
  const tool = (name: 'backup' | 'restore', cwd: string, args: string[] = []) => runDataTool(name, args, { cwd, env: { STORAGE_URL: 'sqlite://data/bot.sqlite' } });
  const scoreOf = async (user: UserRecord) => embedOf(await discord.runCommand({ user, channelId: discord.channels.general.id, name: 'quiz', subcommand: 'score' }).reply()).description;

  it('refuses while the bot runs; once it has stopped, puts the backup in place, keeps the database it replaced, and the bot starts on the restored answers', { timeout: 60_000 }, async () => {
    discord = await LocalDiscord.start({ waitTimeoutMs: 10_000 });
    const dir = folder();
    const first = await startBotIn(dir);
    const question = await openRound(discord);
    await answer(discord, question, discord.member);

    const backup = await tool('backup', dir);
    expect(backup.code, backup.stderr).toBe(0);
    const file = /^Backed up data\/bot\.sqlite to (data\/backups\/bot-\d{4}-\d\d-\d\dT\d{6}Z\.sqlite): /.exec(backup.stdout)?.[1];
    expect(file, backup.stdout).toBeDefined();
    await answer(discord, question, discord.member2);

    const names = () => readdirSync(join(dir, 'data')).sort();
    const namesBefore = names();
    const refused = await tool('restore', dir, [file!]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toBe(
      'Restore failed: data/bot.sqlite is open in another process: the bot is running (or another program has the file open). Stop the bot first (Ctrl+C, or `systemctl stop sourcing-bot`), then run the restore again. Nothing was changed.\n',
    );
    expect(names()).toEqual(namesBefore);
    expect([...(await talliesIn(join(dir, 'data/bot.sqlite'), discord.guild.id)).keys()].sort()).toEqual([discord.member.id, discord.member2.id].sort());

    first.kill('SIGTERM');
    expect((await first.exited).code).toBe(0);
    const restored = await tool('restore', dir, [file!]);
    expect(restored.stderr).toBe('');
    expect(restored.code).toBe(0);
    const kept = /^The database it replaced is kept as (data\/bot\.sqlite\.before-restore-\d{4}-\d\d-\d\dT\d{6}Z)\.$/m.exec(restored.stdout)?.[1];
    expect(kept, restored.stdout).toBeDefined();
    expect(restored.stdout).toMatch(/^Restored data\/backups\/bot-.+\.sqlite to data\/bot\.sqlite: 6 records \(1 tally, 1 running round, 1 click in a running round, 3 others\)\.\n/);
    expect([...(await talliesIn(join(dir, kept!), discord.guild.id)).keys()].sort()).toEqual([discord.member.id, discord.member2.id].sort());

    await startBotIn(dir);
    expect(await scoreOf(discord.member)).toMatch(/^\d\/1 correct/);
    expect(await scoreOf(discord.member2)).toBe('You have not answered any quiz questions in this server yet.');
  });

  it('after a crash (SIGKILL) nothing stale blocks the restore, and the kept copy holds every answer the crashed bot acknowledged', { timeout: 60_000 }, async () => {
    discord = await LocalDiscord.start({ waitTimeoutMs: 10_000 });
    const dir = folder();
    const bot = await startBotIn(dir);
    const backup = await tool('backup', dir, ['before-answers.sqlite']);
    expect(backup.code, backup.stderr).toBe(0);
    const question = await openRound(discord);
    const people = Array.from({ length: 30 }, (_, i) => discord.addUser({ username: `crash${i}` }));
    await Promise.all(people.map((u, i) => answer(discord, question, u, i % 4)));
    bot.kill('SIGKILL');
    await bot.exited;

    const restored = await tool('restore', dir, ['before-answers.sqlite']);
    expect(restored.stderr).toBe('');
    expect(restored.code).toBe(0);
    const kept = /kept as (\S+)\.$/m.exec(restored.stdout)![1]!;
    const held = await talliesIn(join(dir, kept), discord.guild.id);
    expect([...held.keys()].sort()).toEqual(people.map((u) => u.id).sort());
    expect(await talliesIn(join(dir, 'data/bot.sqlite'), discord.guild.id)).toEqual(new Map());
  });
});

describe('npm run restore refuses a file that is not a sound backup', () => {
  it('a missing file, a text file, a corrupt database and a database of something else are each refused with a clear message, and the current database is left untouched', { timeout: 60_000 }, async () => {
    const dir = folder();
    const current = join(dir, 'data', 'bot.sqlite');
    await database(current);

    const text = join(dir, 'notes.txt');
    writeFileSync(text, 'scores: alice 3, bob 2\n');
    const corrupt = join(dir, 'corrupt.sqlite');
    await database(join(dir, 'big.sqlite'), 400);
    expect((await backupDatabase(join(dir, 'big.sqlite'), corrupt)).kind).toBe('done');
    const bytes = readFileSync(corrupt);
    const pageSize = bytes.readUInt16BE(16);
    bytes.fill(0x5a, pageSize * 3 + 8, pageSize * 3 + 2000); // the middle of a table page
    writeFileSync(corrupt, bytes);
    const foreign = join(dir, 'other-app.sqlite');
    const db = await openConnection(foreign, { create: true });
    await db.run('CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)');
    await db.close();

    const snapshot = folderSnapshot(join(dir, 'data'));
    const cases: Array<[string, RegExp]> = [
      ['missing.sqlite', /^Restore failed: missing\.sqlite does not exist\. Nothing was changed: data\/bot\.sqlite is as it was\.\n$/],
      ['notes.txt', /^Restore failed: notes\.txt is not a SQLite database \(it does not start with the SQLite header\)\. Nothing was changed: data\/bot\.sqlite is as it was\.\n$/],
      ['corrupt.sqlite', /^Restore failed: corrupt\.sqlite (fails SQLite's integrity check: [^\n]+ \(and \d+ more problems\)|cannot be read as a SQLite database: [^\n]*malformed[^\n]*)\. Nothing was changed: data\/bot\.sqlite is as it was\.\n$/],
      ['other-app.sqlite', /^Restore failed: other-app\.sqlite has no "keyv" table, so it is not a database of this bot\. Nothing was changed: data\/bot\.sqlite is as it was\.\n$/],
    ];
    for (const [file, message] of cases) {
      const run = await runDataTool('restore', [file], { cwd: dir, env: { STORAGE_URL: 'sqlite://data/bot.sqlite' } });
      expect(run.stderr, file).toMatch(message);
      expect(run.code, file).toBe(1);
      expect(run.stdout, file).toBe('');
      expect(folderSnapshot(join(dir, 'data')), file).toEqual(snapshot);
    }
    expect(readFileSync(text, 'utf8')).toBe('scores: alice 3, bob 2\n');
  });
});

describe('npm run restore over a damaged database', () => {
  it('replaces a current file that is not a database at all, and keeps it', async () => {
    const dir = folder();
    await database(join(dir, 'good.sqlite'));
    mkdirSync(join(dir, 'data'));
    writeFileSync(join(dir, 'data', 'bot.sqlite'), 'overwritten by mistake');
    const run = await runDataTool('restore', ['good.sqlite'], { cwd: dir, env: { STORAGE_URL: 'sqlite://data/bot.sqlite' } });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const kept = /kept as (\S+)\.$/m.exec(run.stdout)![1]!;
    expect(readFileSync(join(dir, kept), 'utf8')).toBe('overwritten by mistake');
    expect((await talliesIn(join(dir, 'data', 'bot.sqlite'), '123456789012345678')).size).toBe(3);
  });
});

describe('npm run backup on its own', () => {
  it('reads STORAGE_URL from .env in the working folder, needs no token, and names the copy after the time under data/backups', async () => {
    const dir = folder();
    await database(join(dir, 'data', 'bot.sqlite'));
    writeFileSync(join(dir, '.env'), 'STORAGE_URL=sqlite://data/bot.sqlite\nDISCORD_TOKEN=\n');
    const run = await runDataTool('backup', [], { cwd: dir });
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^Backed up data\/bot\.sqlite to data\/backups\/bot-\d{4}-\d\d-\d\dT\d{6}Z\.sqlite: 3 records \(3 tallies\), in \d+ ms\.\n$/);
    const [name] = readdirSync(join(dir, 'data', 'backups'));
    expect(await talliesIn(join(dir, 'data', 'backups', name!), '123456789012345678')).toEqual(await talliesIn(join(dir, 'data', 'bot.sqlite'), '123456789012345678'));
  });

  it('refuses a memory:// store, a database that does not exist yet and a file that exists, with messages that say so', async () => {
    const dir = folder();
    await database(join(dir, 'bot.sqlite'));
    writeFileSync(join(dir, 'taken.sqlite'), 'keep me');
    const [memory, missing, taken] = await Promise.all([
      runDataTool('backup', [], { cwd: dir, env: { STORAGE_URL: 'memory://' } }),
      runDataTool('backup', [], { cwd: dir, env: { STORAGE_URL: 'sqlite://nothing/here.sqlite' } }),
      runDataTool('backup', ['taken.sqlite'], { cwd: dir, env: { STORAGE_URL: 'sqlite://bot.sqlite' } }),
    ]);
    expect(memory.stderr).toBe('Backup failed: STORAGE_URL is "memory://", which keeps no file to back up or restore. Backups and restores work on a SQLite file: STORAGE_URL=sqlite://data/bot.sqlite.\n');
    expect(missing.stderr).toBe('Backup failed: There is no database at nothing/here.sqlite yet (STORAGE_URL): nothing to back up.\n');
    expect(taken.stderr).toBe('Backup failed: taken.sqlite already exists; choose another file name. Nothing was written.\n');
    for (const run of [memory, missing, taken]) expect(run.code).toBe(1);
    expect(existsSync(join(dir, 'nothing'))).toBe(false);
    expect(readFileSync(join(dir, 'taken.sqlite'), 'utf8')).toBe('keep me');
  });

  it('a second backup in the same second gets its own name', () => {
    const dir = folder();
    const now = Date.UTC(2026, 4, 17, 9, 30, 0);
    const first = defaultBackupFile(join(dir, 'bot.sqlite'), now);
    expect(first).toBe(join(dir, 'backups', 'bot-2026-05-17T093000Z.sqlite'));
    mkdirSync(join(dir, 'backups'));
    writeFileSync(first, '');
    expect(defaultBackupFile(join(dir, 'bot.sqlite'), now)).toBe(join(dir, 'backups', 'bot-2026-05-17T093000Z-2.sqlite'));
  });
});
