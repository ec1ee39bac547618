/**
 * The first start on a database written while the bot served one article: the
 * records that named questions and prompts by bare id (tallies, seen lists,
 * practice history, schedules, the prompt rotation, kept round picks) are
 * migrated to article + id, and the bot reads them through its commands.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadContent } from '../src/content/loader.js';
import { DEFAULT_CONTENT_DIR } from '../src/content/paths.js';
import type { Content } from '../src/content/types.js';
import { DATA_FORMAT, DATA_FORMAT_KEY } from '../src/migrations/article-refs.js';
import { openStore } from '../src/storage/open.js';
import { LocalDiscord } from '../tools/local-discord/index.js';
import { messageJson } from '../tools/local-discord/payloads.js';
import { ManualClock } from '../tools/manual-clock.js';
import { startTestBot, type TestBot } from './support/bot.js';
import { silentLogger } from './support/log.js';
import { embedOf, promptPostsWithThreads } from './support/messages.js';
import { tempDir } from './support/temp.js';

const GHP = 'global-health-passport';
const tmp = tempDir();
const file = join(tmp.dir, 'old.sqlite');
const clock = new ManualClock(Date.parse('2026-06-01T12:00:00Z'));
let discord: LocalDiscord;
let bot: TestBot;
let content: Content;

/** Ids as the single-article version wrote them, taken from the bundled bank. */
let q: [string, string, string];

beforeAll(async () => {
  content = await loadContent(DEFAULT_CONTENT_DIR);
  const ids = content.questions().map((x) => x.id);
  q = [ids[0]!, ids[1]!, ids[2]!];
  discord = await LocalDiscord.start();
  const g = discord.guild.id;
  const u = discord.member.id;
  const ch = discord.channels.general.id;
  const picked = content.question(q[0])!.options.find((o) => !o.correct)!;
  // The records exactly as the previous version stored them: no format marker, bare ids, no article anywhere.
  const old = await openStore(`sqlite://${file}`, silentLogger());
  await old.set(`tally:${g}:${u}`, {
    userId: u,
    userName: 'member',
    answered: 3,
    correct: 2,
    byCategory: { attribution: { answered: 3, correct: 2 } },
    streak: 1,
    bestStreak: 2,
    lastAnsweredAt: clock.now() - 60_000,
    lastCorrectAt: clock.now() - 60_000,
    firstAnsweredAt: clock.now() - 600_000,
    recentPractice: ['1500000000000000001'],
  });
  await old.set(`seen:channel:${g}:${ch}`, [q[0], q[1]]);
  await old.set(`seen:practice:${g}:${u}`, [q[2]]);
  await old.set(`seen:${ch}`, [q[1]]);
  await old.set(`prompt-rotation:${g}`, { used: ['discuss-01', 'discuss-02'] });
  await old.set(`schedules:${g}`, {
    ab12: { id: 'ab12', guildId: g, channelId: ch, promptId: 'discuss-03', repeat: { kind: 'none' }, timeZone: 'UTC', nextRunAt: clock.now() + 3_600_000, createdBy: u, createdAt: clock.now() - 1000, paused: false },
  });
  await old.set(`round-picks:${g}:OldRnd01`, { at: clock.now() - 120_000, questions: { 0: { questionId: q[0], order: content.question(q[0])!.options.map((o) => o.id), picks: { [u]: picked.id } } } });
  await old.set(`round-picks-index:${g}`, ['OldRnd01']);
  await old.close();
  bot = await startTestBot({ discord, clock, env: { STORAGE_URL: `sqlite://${file}` } });
});
afterAll(async () => {
  await bot.stop();
  await discord.stop();
  tmp.cleanup();
});

describe('the first start on data from the single-article version', () => {
  it('migrates every record once, logging what it converted, and marks the format', async () => {
    const line = bot.logs().find((l) => l['msg'] === 'stored data now names questions and prompts by article');
    expect(line).toMatchObject({ tallies: 1, seenLists: 3, schedules: 1, rotations: 1, roundPicks: 1, article: GHP });
    const store = bot.bot.services.store;
    const g = discord.guild.id;
    const ch = discord.channels.general.id;
    expect(await store.get(DATA_FORMAT_KEY)).toBe(DATA_FORMAT);
    expect(await store.get(`seen:channel:${g}:${ch}`)).toEqual([`${GHP}/${q[0]}`, `${GHP}/${q[1]}`]);
    expect(await store.get(`seen:practice:${g}:${discord.member.id}`)).toEqual([`${GHP}/${q[2]}`]);
    expect(await store.get(`seen:${ch}`)).toEqual([`${GHP}/${q[1]}`]);
    expect(await store.get(`prompt-rotation:${g}`)).toEqual({ used: [`${GHP}/discuss-01`, `${GHP}/discuss-02`] });
    expect(await store.get(`schedules:${g}`)).toMatchObject({ ab12: { article: GHP, promptId: 'discuss-03' } });
    expect(await store.get(`tally:${g}:${discord.member.id}`)).toMatchObject({ answered: 3, correct: 2, byArticle: { [GHP]: { answered: 3, correct: 2 } } });

    // A second start finds the marker and converts nothing.
    const before = bot.logs().length;
    await bot.restart();
    expect(bot.logs().slice(before).some((l) => l['msg'] === 'stored data now names questions and prompts by article')).toBe(false);
  });

  it('/quiz score reads the old tally, with its answers under the article they were given on', async () => {
    const reply = await discord.runCommand({ user: discord.member, channelId: discord.channels.general.id, name: 'quiz', subcommand: 'score' }).reply();
    expect(embedOf(reply).description).toContain(`2/3 correct (66%)`);
    expect(embedOf(reply).description).toContain(`By article:\n${content.title}: 2/3 (66%)`);
  });

  it('"Why not mine?" still answers from a round kept before the migration', async () => {
    const carrier = await discord.runCommand({ user: discord.member, channelId: discord.channels.general.id, name: 'help' }).reply();
    const reply = await discord
      .dispatchRaw({
        t: 'INTERACTION_CREATE',
        d: {
          ...discord.commandPayload({ user: discord.member, channelId: discord.channels.general.id, name: 'help' }),
          type: 3,
          data: { custom_id: 'quiz:w:OldRnd01:0', component_type: 2 },
          message: messageJson(discord.state, carrier),
        },
      })
      .reply();
    expect(reply.ephemeral).toBe(true);
    const picked = content.question(q[0])!.options.find((o) => !o.correct)!;
    expect(reply.content).toContain(picked.text);
    expect(reply.content).toContain(picked.why!);
  });

  it('the old schedule posts its prompt at its time, and the old prompt rotation goes on', async () => {
    await clock.advance(3_600_000);
    const [post] = await promptPostsWithThreads(discord, discord.channels.general.id, 1);
    expect(embedOf(post!).description).toContain(content.prompt('discuss-03')!.text.slice(0, 80));
    const posted = await discord.runCommand({ user: discord.moderator, channelId: discord.channels.general.id, name: 'prompt', subcommand: 'post' }).reply();
    const id = /`([a-z0-9-]+)`/.exec(posted.content)?.[1];
    expect(id === 'discuss-01' || id === 'discuss-02').toBe(false);
  });
});
