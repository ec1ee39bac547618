/**
 * The `npm start` process killed or stopped while it works: SIGKILL in the middle
 * of 200 concurrent answers, and SIGTERM. The bot runs as a child process
 * (tests/support/child-bot.ts) on a SQLite file; the local Discord runs here.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import sqlite3 from 'sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Standings } from '../src/quiz/standings.js';
import { listTallies } from '../src/quiz/tallies.js';
import { systemClock } from '../src/clock.js';
import { openStore } from '../src/storage/open.js';
import { spawnBot, type ChildBot } from './support/child-bot.js';
import { LocalDiscord, type InteractionHandle, type MessageRecord } from '../tools/local-discord/index.js';
import { silentLogger } from './support/log.js';
import { buttonsOf } from './support/messages.js';
import { tempDir } from './support/temp.js';

const isQuizQuestion = (m: MessageRecord) => buttonsOf(m).some((b) => b.custom_id.startsWith('quiz:a:'));

function sqliteAll(file: string, sql: string): Promise<Array<Record<string, unknown>>> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(file, (openError) => {
      if (openError) return reject(openError);
      db.all(sql, (error: Error | null, rows: Array<Record<string, unknown>>) => {
        db.close();
        if (error) reject(error);
        else resolve(rows);
      });
    });
  });
}

let discord: LocalDiscord;
let tmp: ReturnType<typeof tempDir>;
let file: string;
const children: ChildBot[] = [];

beforeEach(async () => {
  discord = await LocalDiscord.start({ waitTimeoutMs: 10_000 });
  tmp = tempDir('sourcing-bot-crash-');
  file = join(tmp.dir, 'bot.sqlite');
});
afterEach(async () => {
  await Promise.all(children.splice(0).map((c) => c.dispose()));
  await discord.stop();
  tmp.cleanup();
});

async function start(): Promise<ChildBot> {
  const child = spawnBot({ env: { DISCORD_TOKEN: discord.token, DISCORD_API_URL: discord.apiUrl, STORAGE_URL: `sqlite://${file}`, LOG_LEVEL: 'info' } });
  children.push(child);
  await child.ready();
  return child;
}

async function startRound(seconds: number): Promise<MessageRecord> {
  const channelId = discord.channels.quiz.id;
  const run = discord.runCommand({ user: discord.moderator, channelId, name: 'quiz', subcommand: 'start', options: { questions: 1, seconds } });
  expect((await run.response()).type).toBe(4);
  return discord.waitForMessage(channelId, isQuizQuestion);
}

async function expectServes(): Promise<void> {
  const help = await discord.runCommand({ user: discord.member, channelId: discord.channels.general.id, name: 'help' }).response();
  expect(help.type).toBe(4);
  expect(help.data?.flags).toBe(64);
}

describe('bot process killed or stopped', () => {
  it('keeps every acknowledged answer when killed with SIGKILL in the middle of 200 concurrent answers', { timeout: 40_000 }, async () => {
    const first = await start();
    const question = await startRound(120);
    const options = buttonsOf(question);
    const users = Array.from({ length: 200 }, (_, i) => discord.addUser({ username: `crowd${i}` }));

    // 200 people click in 5 waves of 40 concurrent clicks, each wave sent while the one before
    // is still being answered (up to 80 in flight). The process is killed as soon as the
    // stand-in has received 100 acknowledgements: the third wave is half answered, the fourth
    // in flight, the fifth sent to a dead bot and never answered.
    const clicks: InteractionHandle[] = [];
    const acked = () => clicks.filter((h) => h.record.response);
    let killed = false;
    const stopListening = discord.state.listen(() => {
      if (!killed && acked().length >= 100) {
        killed = true;
        first.kill('SIGKILL');
      }
    });
    const waves: InteractionHandle[][] = [];
    for (let w = 0; w < 5; w++) {
      const older = waves[w - 2];
      if (older) await discord.waitFor(() => killed || older.every((h) => h.record.response), 10_000, `answers to wave ${w - 2}`);
      const wave = users.slice(w * 40, w * 40 + 40).map((user, i) => discord.clickButton({ user, messageId: question.id, customId: options[(w + i) % options.length]!.custom_id }));
      waves.push(wave);
      clicks.push(...wave);
    }
    await discord.waitFor(() => acked().length >= 100, 10_000, '100 acknowledged answers');
    stopListening();
    expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });
    // Let requests that reached the stand-in before the kill finish being recorded.
    await new Promise((r) => setTimeout(r, 100));
    const acknowledged = acked();
    for (const h of acknowledged) expect(h.record.response?.data?.content).toMatch(/^Locked in: [A-E]$/);
    expect(acknowledged.length).toBeGreaterThanOrEqual(100);
    // The kill did land in the middle: some clicks were never answered.
    expect(acknowledged.length).toBeLessThan(200);

    // Restarted on the same file: it opens (its own integrity check passes) and serves.
    const second = await start();
    await expectServes();
    // The round goes on in the new process: someone whose click was acknowledged before the kill is
    // refused (their answer stands, counted once), and the round's buttons still work.
    const counted = users.find((u) => u.id === acknowledged[0]!.record.user_id)!;
    const late = discord.clickButton({ user: counted, messageId: question.id, customId: options[1]!.custom_id });
    expect((await late.response()).data?.content).toBe('You have already answered this question. Your first answer stands.');
    second.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);

    expect(await sqliteAll(file, 'PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }]);
    const store = await openStore(`sqlite://${file}`, silentLogger());
    try {
      const tallies = new Map((await listTallies({ store, standings: new Standings(systemClock) }, discord.guild.id)).map((t) => [t.userId, t]));
      const missing = acknowledged.map((h) => h.record.user_id).filter((id) => !tallies.has(id));
      expect(missing).toEqual([]);
      // Nothing counted twice, nothing invented: each tally is one answer by one of the 200.
      const crowd = new Set(users.map((u) => u.id));
      for (const [userId, tally] of tallies) {
        expect(crowd.has(userId)).toBe(true);
        expect(tally.answered).toBe(1);
      }
    } finally {
      await store.close();
    }
  });

  it('exits 0 on SIGTERM after closing, and an answer acknowledged just before is there after a restart', { timeout: 30_000 }, async () => {
    const first = await start();
    const question = await startRound(60);
    const click = discord.clickButton({ user: discord.member, messageId: question.id, customId: buttonsOf(question)[0]!.custom_id });
    expect((await click.response()).data?.content).toBe('Locked in: A');
    first.kill('SIGTERM');
    expect(await first.exited).toEqual({ code: 0, signal: null });
    const lines = first.logs().map((l) => l.msg);
    expect(lines.slice(-2)).toEqual(['shutting down', 'stopped']);
    expect(first.stderr()).toBe('');
    // Closed cleanly: the WAL was checkpointed into the file and removed.
    expect(existsSync(`${file}-wal`)).toBe(false);

    await start();
    const score = await discord.runCommand({ user: discord.member, channelId: discord.channels.general.id, name: 'quiz', subcommand: 'score' }).response();
    expect(JSON.stringify(score.data)).toMatch(/[01]\/1 correct/);
  });

  it('keeps running and serving after gateway payloads that discord.js itself cannot parse', { timeout: 30_000 }, async () => {
    const child = await start();
    const base = () => discord.commandPayload({ user: discord.member, channelId: discord.channels.general.id, name: 'help' });
    // Discord never sends these; discord.js throws while building the interaction, before the bot sees it.
    const broken = [{ ...base(), data: undefined }, { ...base(), member: undefined }, { ...base(), type: 3, data: { custom_id: 'quiz:a:x:0:0', component_type: 2 } }];
    for (const d of broken) discord.dispatchRaw({ t: 'INTERACTION_CREATE', d });
    // Each one ends as a rejection inside discord.js, which the bot logs (src/index.ts) instead of dying.
    const rejections = () => child.logs().filter((l) => l.msg === 'unhandled rejection');
    await child.waitForLog(() => rejections().length >= broken.length, 10_000, 'a logged rejection for each broken payload');
    expect(rejections()).toHaveLength(broken.length);
    // Still the same process, and it answers what comes after.
    await expectServes();
    expect(child.process.exitCode).toBeNull();
    child.kill('SIGTERM');
    expect((await child.exited).code).toBe(0);
  });
});
