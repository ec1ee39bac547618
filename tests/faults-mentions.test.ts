/**
 * Content and user input containing @everyone, role and user mentions: whatever the
 * bot posts (excerpts, prompts, scheduled prompts, refusals that echo input) pings nobody.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePack } from '../src/content/validate.js';
import { readPack } from '../src/content/loader.js';
import { DEFAULT_CONTENT_DIR } from '../src/content/paths.js';
import { ManualClock } from '../tools/manual-clock.js';
import { startTestBot, type TestBot } from './support/bot.js';
import { BOT_DEFAULT, LocalDiscord, P, type MessageRecord } from '../tools/local-discord/index.js';
import { computePinged } from '../tools/local-discord/messages.js';
import { tempDir } from './support/temp.js';

const NOBODY = { users: [], roles: [], everyone: false };

let discord: LocalDiscord;
let t: TestBot;
let clock: ManualClock;
let pack: ReturnType<typeof tempDir>;
let mentions: string;

beforeAll(async () => {
  discord = await LocalDiscord.start();
  // Someone to ping, a mentionable role, and a bot that may mention @everyone:
  // sent without allowed_mentions, this text would notify all three.
  const target = discord.addUser({ username: 'pingable', permissions: [] });
  const role = [...discord.guild.roles.values()].find((r) => r.name === 'pingable-role')!;
  role.mentionable = true;
  discord.setBotRolePermissions(BOT_DEFAULT | P.MentionEveryone);
  mentions = `@everyone @here <@&${role.id}> <@${target.id}> <@!${target.id}>`;
  expect(computePinged(discord.state, mentions, undefined, discord.channels.general, discord.bot.id)).toEqual({ users: [target.id], roles: [role.id], everyone: true });

  pack = tempDir('sourcing-bot-pack-');
  cpSync(DEFAULT_CONTENT_DIR, pack.dir, { recursive: true });
  const edit = (file: string, change: (json: any) => void) => {
    const path = join(pack.dir, file);
    const json = JSON.parse(readFileSync(path, 'utf8')) as unknown;
    change(json);
    writeFileSync(path, JSON.stringify(json, null, 2));
  };
  edit('prompts.json', (json) => {
    json.prompts[0].text = `${mentions} ${json.prompts[0].text}`;
  });
  edit('article.json', (json) => {
    json.sections[0].paragraphs[0].text = `${json.sections[0].paragraphs[0].text} ${mentions}`;
  });
  // The validator accepts mention-like text: the bot, not the pack, makes it harmless.
  const { problems } = parsePack(await readPack(pack.dir));
  expect(problems).toEqual([]);

  clock = new ManualClock(Date.UTC(2025, 2, 1, 12));
  t = await startTestBot({ discord, clock, env: { CONTENT_DIR: pack.dir } });
});

afterAll(async () => {
  await t?.stop();
  await discord?.stop();
  pack?.cleanup();
});

function expectNobodyPinged(m: MessageRecord, what: string): void {
  expect(m.allowed_mentions, what).toEqual({ parse: [] });
  expect(m.pinged, what).toEqual(NOBODY);
}

describe('mentions in content and input', () => {
  it('posts an /excerpt whose paragraph contains mentions without pinging anyone', async () => {
    const run = discord.runCommand({ user: discord.member, channelId: discord.channels.general.id, name: 'excerpt', options: { paragraph: 1 } });
    const post = await run.reply();
    expect(JSON.stringify(post.embeds)).toContain(`<@&`);
    expect(JSON.stringify(post.embeds)).toContain('@everyone');
    expectNobodyPinged(post, '/excerpt');

    // The private neighbour view (◀ ▶) is sent the same way.
    const next = (post.components as Array<{ components: Array<{ custom_id: string; disabled?: boolean }> }>)[0]!.components.find((b) => !b.disabled)!;
    const page = await discord.clickButton({ user: discord.member2, messageId: post.id, customId: next.custom_id }).reply();
    expect(page.allowed_mentions).toEqual({ parse: [] });
  });

  it('posts a prompt with mentions through /prompt post without pinging anyone', async () => {
    const channelId = discord.channels.general.id;
    const run = discord.runCommand({ user: discord.moderator, channelId, name: 'prompt', subcommand: 'post', options: { prompt: 'discuss-01' } });
    const reply = await run.reply();
    expect(reply.ephemeral).toBe(true);
    expectNobodyPinged(reply, '/prompt post reply');
    const post = await discord.waitForMessage(channelId, (m) => JSON.stringify(m.embeds).includes('@everyone') && Boolean(m.thread_id));
    expectNobodyPinged(post, '/prompt post');
  });

  it('posts a scheduled prompt with mentions without pinging anyone', async () => {
    const prompts = discord.channels.prompts.id;
    const schedule = discord.runCommand({
      user: discord.moderator,
      channelId: discord.channels.general.id,
      name: 'prompt',
      subcommand: 'schedule',
      options: { channel: { id: prompts }, when: 'in 5m', prompt: 'discuss-01' },
    });
    expect(String((await schedule.reply()).content)).toMatch(/^Scheduled \*\*/);
    expect(discord.messages(prompts)).toHaveLength(0);
    await clock.advance(5 * 60_000 + 1000);
    const post = await discord.waitForMessage(prompts, (m) => JSON.stringify(m.embeds).includes('@everyone'));
    expectNobodyPinged(post, 'scheduled prompt');
  });

  it('echoes mentions typed into an option back in a refusal without pinging anyone', async () => {
    const run = discord.runCommand({ user: discord.member, channelId: discord.channels.general.id, name: 'excerpt', options: { search: `zzqx ${mentions}`.slice(0, 100) } });
    const reply = await run.reply();
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).toContain('@everyone');
    expectNobodyPinged(reply, 'refusal echoing input');
  });
});
