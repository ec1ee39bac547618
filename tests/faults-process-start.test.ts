/**
 * `npm start` refusing to start, as an operator sees it: exit code 1 and a clear
 * message on stderr, for a corrupt or unreadable storage file, an invalid content
 * pack, a missing token and a token Discord rejects. The bot runs as a child process.
 */
import { cpSync, mkdirSync, readdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONTENT_DIR } from '../src/content/paths.js';
import { openStore } from '../src/storage/open.js';
import { runBotToExit } from './support/child-bot.js';
import { LocalDiscord } from '../tools/local-discord/index.js';
import { silentLogger } from './support/log.js';
import { tempDir } from './support/temp.js';

let discord: LocalDiscord;
let tmp: ReturnType<typeof tempDir>;

beforeAll(async () => {
  discord = await LocalDiscord.start();
  tmp = tempDir('sourcing-bot-start-');
});
afterAll(async () => {
  await discord.stop();
  tmp.cleanup();
});

const baseEnv = (storage: string) => ({ DISCORD_TOKEN: discord.token, DISCORD_API_URL: discord.apiUrl, STORAGE_URL: `sqlite://${storage}`, LOG_LEVEL: 'info' });

describe('storage that cannot be used', () => {
  it('exits 1 naming the file when it is not a SQLite database, and leaves it unchanged', { timeout: 20_000 }, async () => {
    const dir = join(tmp.dir, 'garbage');
    mkdirSync(dir);
    const file = join(dir, 'bot.sqlite');
    const garbage = Buffer.from('tallies? no: these are not the bytes of a database\n'.repeat(100));
    writeFileSync(file, garbage);

    const run = await runBotToExit({ env: baseEnv(file) });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`Cannot use the storage file ${file}`);
    expect(run.stderr).toMatch(/file is not a database/);
    expect(run.stderr).toContain('left as it is');
    expect(readFileSync(file).equals(garbage)).toBe(true);
    // No journal or WAL was left next to it, and it was never logged in.
    expect(readdirSync(dir)).toEqual(['bot.sqlite']);
    expect(discord.identifies).toBe(0);
  });

  it('exits 1 naming the file when a real database was truncated, and leaves it unchanged', { timeout: 20_000 }, async () => {
    const file = join(tmp.dir, 'truncated.sqlite');
    const store = await openStore(`sqlite://${file}`, silentLogger());
    for (let i = 0; i < 400; i++) await store.set(`tally:g:${i}`, { answered: i, note: 'x'.repeat(400) });
    await store.close();
    truncateSync(file, 60_000);
    const before = readFileSync(file);

    const run = await runBotToExit({ env: baseEnv(file) });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`Cannot use the storage file ${file}`);
    expect(run.stderr).toMatch(/malformed|corrupt/i);
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('exits 1 naming the path when a directory stands where the file should be', { timeout: 20_000 }, async () => {
    const path = join(tmp.dir, 'is-a-dir.sqlite');
    mkdirSync(path);
    const run = await runBotToExit({ env: baseEnv(path) });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`Cannot use the storage file ${path}`);
    expect(run.stderr).toMatch(/unable to open/);
    expect(readdirSync(path)).toEqual([]);
  });
});

describe('an invalid content pack', () => {
  it('refuses to start and prints the validator report line', { timeout: 20_000 }, async () => {
    const pack = join(tmp.dir, 'pack');
    cpSync(DEFAULT_CONTENT_DIR, pack, { recursive: true });
    const questionsFile = join(pack, 'questions.json');
    const questions = JSON.parse(readFileSync(questionsFile, 'utf8')) as { questions: Array<{ id: string; quotes: string[]; cites: number[] }> };
    const first = questions.questions[0]!;
    first.quotes[0] = `${first.quotes[0]!.slice(0, 40)} [quietly edited] ${first.quotes[0]!.slice(40)}`;
    writeFileSync(questionsFile, JSON.stringify(questions, null, 2));

    const run = await runBotToExit({ env: { ...baseEnv(join(tmp.dir, 'pack.sqlite')), CONTENT_DIR: pack } });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`questions.json: questions[0] (${first.id}).quotes[0]: not found in ¶${first.cites[0]}`);
    // Refused before opening storage or logging in.
    expect(readdirSync(tmp.dir)).not.toContain('pack.sqlite');
  });
});

describe('the bot token', () => {
  // A made-up token in the shape of a real one.
  const secret = 'MTA5ODc2NTQzMjEwOTg3NjU0Mw.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789AB';

  it('without DISCORD_TOKEN, exits 1 naming it and where to get it, never printing a token found elsewhere', { timeout: 20_000 }, async () => {
    const run = await runBotToExit({
      env: {
        DISCORD_API_URL: discord.apiUrl,
        STORAGE_URL: `sqlite://${join(tmp.dir, 'no-token.sqlite')}`,
        // Common mistakes: the token under another name, or pasted into the wrong variable.
        DISCORD_BOT_TOKEN: secret,
        TOKEN: secret,
        DISCORD_APPLICATION_ID: secret,
        DISCORD_GUILD_ID: secret,
      },
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/DISCORD_TOKEN is not set/);
    expect(run.stderr).toMatch(/developer portal/);
    expect(run.stderr).toMatch(/Reset Token/);
    // Every problem listed together.
    expect(run.stderr).toMatch(/DISCORD_APPLICATION_ID must be a Discord id/);
    expect(`${run.stdout}${run.stderr}`).not.toContain(secret);
    expect(`${run.stdout}${run.stderr}`).not.toContain(secret.split('.')[2]);
  });

  it('with a token the REST API rejects (401), exits 1 saying so without printing it', { timeout: 20_000 }, async () => {
    const run = await runBotToExit({ env: { ...baseEnv(join(tmp.dir, 'rest-401.sqlite')), DISCORD_TOKEN: secret } });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/Discord rejected DISCORD_TOKEN/);
    expect(run.stderr).toMatch(/Reset Token/);
    // Stopped at once: a rejected token is not something waiting can cure.
    expect(run.stdout).not.toContain('not reachable');
    expect(`${run.stdout}${run.stderr}`).not.toContain(secret);
    expect(`${run.stdout}${run.stderr}`).not.toContain(secret.split('.')[2]);
  });

  it('with a token the gateway rejects (close 4004), exits 1 saying so without printing it', { timeout: 20_000 }, async () => {
    // A second stand-in whose gateway accepts another token than its REST API: IDENTIFY gets 4004.
    const strict = await LocalDiscord.start();
    (strict.gateway as unknown as { opts: { token: string } }).opts.token = 'some-other-token';
    try {
      const run = await runBotToExit({ env: { DISCORD_TOKEN: strict.token, DISCORD_API_URL: strict.apiUrl, STORAGE_URL: `sqlite://${join(tmp.dir, 'gw-4004.sqlite')}` } });
      expect(strict.gateway.received.some((p) => p.op === 2)).toBe(true);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/Discord rejected DISCORD_TOKEN/);
      expect(run.stdout).not.toContain('not reachable');
      expect(`${run.stdout}${run.stderr}`).not.toContain(strict.token);
      expect(`${run.stdout}${run.stderr}`).not.toContain(strict.token.split('.')[2]);
    } finally {
      await strict.stop();
    }
  });
});
