import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalDiscord, LocalDiscordError } from '../tools/local-discord/index.js';
import { startTestBot, type TestBot } from './support/bot.js';
import { join } from 'node:path';
import { startBot } from '../src/bot.js';
import { loadConfig } from '../src/config.js';
import { silentLogger } from './support/log.js';
import { buttonsOf, EPHEMERAL } from './support/messages.js';
import { tempDir } from './support/temp.js';

type Embed = { title?: string; description?: string; fields?: Array<{ name: string; value: string }> };
const embedsOf = (m: { embeds: unknown[] }) => m.embeds as Embed[];

describe('start-up and command registration', () => {
  it('registers the commands once, guild-only, and not again after a restart with the same definitions', async () => {
    const bot = await startTestBot();
    try {
      const { discord } = bot;
      expect(discord.commandPuts).toBe(1);
      const names = discord.commands().map((c) => c['name']).sort();
      expect(names).toEqual(['article', 'excerpt', 'help', 'prompt', 'quiz', 'quiz-admin', 'sources']);
      for (const c of discord.commands()) expect(c['contexts'], String(c['name'])).toEqual([0]);
      await bot.restart();
      expect(discord.commandPuts).toBe(1);
      expect(discord.unknownRoutes).toEqual([]);
    } finally {
      await bot.stop();
    }
  });

  it('registers again when the same storage is pointed at another Discord-compatible server', async () => {
    const first = await LocalDiscord.start();
    const second = await LocalDiscord.start({ token: first.token, applicationId: first.applicationId });
    const tmp = tempDir();
    const env = (discord: LocalDiscord) =>
      loadConfig({ DISCORD_TOKEN: discord.token, DISCORD_API_URL: discord.apiUrl, STORAGE_URL: `sqlite://${join(tmp.dir, 'bot.sqlite')}`, LOG_LEVEL: 'silent' });
    try {
      await (await startBot({ config: env(first), log: silentLogger() })).stop();
      await (await startBot({ config: env(second), log: silentLogger() })).stop();
      expect(first.commandPuts).toBe(1);
      expect(second.commandPuts).toBe(1);
      expect(second.commands().length).toBe(7);
    } finally {
      await first.stop();
      await second.stop();
      tmp.cleanup();
    }
  });

  it('registers in one guild when DISCORD_GUILD_ID is set', async () => {
    const discord = await LocalDiscord.start();
    const bot = await startTestBot({ discord, env: { DISCORD_GUILD_ID: discord.guild.id } });
    try {
      expect(discord.commands(discord.guild.id).length).toBe(7);
      expect(discord.commands().length).toBe(0);
    } finally {
      await bot.stop();
      await discord.stop();
    }
  });
});

describe('reading commands', () => {
  let bot: TestBot;
  beforeAll(async () => {
    bot = await startTestBot({ env: { EXCERPT_COOLDOWN_SECONDS: '0' } });
  });
  afterAll(() => bot.stop());

  it('/help explains the bot, lists every command and scoring, only to the asker', async () => {
    const { discord } = bot;
    const reply = await discord.runCommand({ user: discord.member, channelId: discord.channels.general.id, name: 'help' }).reply();
    expect(reply.flags & EPHEMERAL).toBe(EPHEMERAL);
    const text = JSON.stringify(reply.embeds);
    for (const command of ['/excerpt', '/sources', '/quiz start', '/quiz practice', '/quiz score', '/quiz leaderboard', '/quiz stop', '/prompt', '/quiz-admin']) {
      expect(text).toContain(command);
    }
    expect(text).toMatch(/Scoring/);
    expect(text).toMatch(/does not tell you what to think/);
  });

  it('/excerpt paragraph:5 posts ¶5 verbatim as a quotation with its heading and sourcing note, publicly', async () => {
    const { discord } = bot;
    const content = bot.bot.services.shelf.current.first;
    const reply = await discord.runCommand({ user: discord.member, channelId: discord.channels.general.id, name: 'excerpt', options: { paragraph: 5 } }).reply();
    expect(reply.flags & EPHEMERAL).toBe(0);
    const [embed] = embedsOf(reply);
    expect(embed?.title).toContain(`¶5 of ${content.paragraphs.length}`);
    expect(embed?.title).toContain(content.paragraph(5)!.heading!);
    expect(embed?.description).toBe(`> ${content.paragraph(5)!.text}`);
    expect(embed?.fields?.[0]?.value).toMatch(/author's own assertion, no source given/);
    expect(buttonsOf(reply).map((b) => b.label)).toEqual(['◀ ¶4', '¶6 ▶']);
    expect(reply.allowed_mentions).toEqual({ parse: [] });
  });

  it('/excerpt names the chain of outlets for an attributed claim', async () => {
    const { discord } = bot;
    const reply = await discord.runCommand({ user: discord.member, channelId: discord.channels.general.id, name: 'excerpt', options: { paragraph: 2 } }).reply();
    expect(embedsOf(reply)[0]?.fields?.[0]?.value).toMatch(/attributed to .*via Breitbart → Global Times/);
  });

  it('the paging buttons show the neighbouring paragraph to the clicker alone and leave the post as it was', async () => {
    const { discord } = bot;
    const post = await discord.runCommand({ user: discord.member, channelId: discord.channels.general.id, name: 'excerpt', options: { paragraph: 5 } }).reply();
    const next = buttonsOf(post).find((b) => b.label === '¶6 ▶')!;
    const shown = await discord.clickButton({ user: discord.member2, messageId: post.id, customId: next.custom_id }).reply();
    expect(shown.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(embedsOf(shown)[0]?.title).toContain('¶6 of');
    expect(discord.message(post.id)?.edits).toBe(0);
  });

  it('the first paragraph has no way back and the last no way forward', async () => {
    const { discord } = bot;
    const n = bot.bot.services.shelf.current.first.paragraphs.length;
    const first = await discord.runCommand({ user: discord.member, channelId: discord.channels.general.id, name: 'excerpt', options: { paragraph: 1 } }).reply();
    expect(buttonsOf(first)[0]?.disabled).toBe(true);
    const last = await discord.runCommand({ user: discord.member, channelId: discord.channels.general.id, name: 'excerpt', options: { paragraph: n } }).reply();
    expect(buttonsOf(last)[1]?.disabled).toBe(true);
    expect(embedsOf(first)[0]?.title).toContain('opening section');
  });

  it('/excerpt search finds the first paragraph with the words, ignoring case and accents', async () => {
    const { discord } = bot;
    const reply = await discord.runCommand({ user: discord.member, channelId: discord.channels.general.id, name: 'excerpt', options: { search: 'INFORMATION consumptión' } }).reply();
    expect(embedsOf(reply)[0]?.title).toMatch(/^¶11 of/);
  });

  it('/excerpt search with no match says so privately, naming the words', async () => {
    const { discord } = bot;
    const reply = await discord.runCommand({ user: discord.member, channelId: discord.channels.general.id, name: 'excerpt', options: { search: 'zebra migration' } }).reply();
    expect(reply.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(reply.content).toContain('No paragraph contains “zebra migration”');
  });

  it('/excerpt with a paragraph past the end says which ones exist', async () => {
    const { discord } = bot;
    const reply = await discord.runCommand({ user: discord.member, channelId: discord.channels.general.id, name: 'excerpt', options: { paragraph: 99 } }).reply();
    expect(reply.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(reply.content).toMatch(/There is no ¶99: the article has paragraphs 1 to 15/);
  });

  it('/excerpt with no option posts some paragraph of the article', async () => {
    const { discord } = bot;
    const reply = await discord.runCommand({ user: discord.member, channelId: discord.channels.general.id, name: 'excerpt' }).reply();
    expect(embedsOf(reply)[0]?.title).toMatch(/^¶\d+ of 15/);
  });

  it('Discord refuses a paragraph number below 1 before it reaches the bot', () => {
    const { discord } = bot;
    expect(() => discord.runCommand({ user: discord.member, channelId: discord.channels.general.id, name: 'excerpt', options: { paragraph: 0 } })).toThrow(LocalDiscordError);
  });

  it('autocomplete offers the start of each paragraph, narrowed by what is typed', async () => {
    const { discord } = bot;
    const all = await discord.autocomplete({ user: discord.member, channelId: discord.channels.general.id, name: 'excerpt', options: { paragraph: '' }, focused: 'paragraph' });
    expect(all).toHaveLength(15);
    expect(all[0]).toEqual({ name: expect.stringMatching(/^¶1: “Experts” from the Chinese/), value: 1 });
    const some = await discord.autocomplete({ user: discord.member, channelId: discord.channels.general.id, name: 'excerpt', options: { paragraph: '1' }, focused: 'paragraph' });
    expect(some.map((c) => c.value)).toEqual([1, 10, 11, 12, 13, 14, 15]);
  });

  it('/sources draws the whole chain as a tree in a code block', async () => {
    const { discord } = bot;
    const reply = await discord.runCommand({ user: discord.member, channelId: discord.channels.general.id, name: 'sources' }).reply();
    const tree = embedsOf(reply)[0]?.description ?? '';
    expect(tree.startsWith('```')).toBe(true);
    expect(tree).toMatch(/The article \(this copy gives no byline, outlet or date\)/);
    expect(tree).toMatch(/├─ Breitbart \(outlet, named, no link in this copy\)[^\n]*\n│  └─ Global Times[^\n]*\n│     └─ “Chinese experts” \(group, unnamed/);
    expect(tree).toMatch(/The author's own assertions, no source given: .*¶5/);
  });

  it('/sources paragraph:9 narrows the tree to that paragraph', async () => {
    const { discord } = bot;
    const reply = await discord.runCommand({ user: discord.member, channelId: discord.channels.general.id, name: 'sources', options: { paragraph: 9 } }).reply();
    const tree = embedsOf(reply)[0]?.description ?? '';
    expect(tree).toContain('— ¶9');
    expect(tree).toMatch(/earlier report/);
    expect(tree).not.toMatch(/Breitbart/);
  });
});

describe('excerpt cooldown', () => {
  it('refuses a second post within the cooldown and says when to try again', async () => {
    const bot = await startTestBot({ env: { EXCERPT_COOLDOWN_SECONDS: '30' } });
    try {
      const { discord } = bot;
      const first = await discord.runCommand({ user: discord.member, channelId: discord.channels.general.id, name: 'excerpt', options: { paragraph: 3 } }).reply();
      expect(first.flags & EPHEMERAL).toBe(0);
      const second = await discord.runCommand({ user: discord.member, channelId: discord.channels.general.id, name: 'excerpt', options: { paragraph: 4 } }).reply();
      expect(second.flags & EPHEMERAL).toBe(EPHEMERAL);
      expect(second.content).toMatch(/You can post another <t:\d+:R>/);
      const other = await discord.runCommand({ user: discord.member2, channelId: discord.channels.general.id, name: 'excerpt', options: { paragraph: 4 } }).reply();
      expect(other.flags & EPHEMERAL).toBe(0);
    } finally {
      await bot.stop();
    }
  });
});
