/**
 * `SHARDS=2 npm start` as an operator runs it: the compiled bot starts
 * discord.js's ShardingManager, one process per shard, on a shared store
 * (Redis, else PostgreSQL: skipped when neither test server runs). Ten
 * servers spread over the two shards; commands are registered once; each
 * shard answers its own servers and posts its own servers' schedules once; a
 * shard process killed with SIGKILL is started again and serves its servers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../src/storage/open.js';
import { LocalDiscord, type GuildRecord } from '../tools/local-discord/index.js';
import { shardOf } from '../tools/local-discord/snowflake.js';
import { spawnBot, type ChildBot } from './support/child-bot.js';
import { silentLogger } from './support/log.js';
import { promptPosts } from './support/messages.js';
import { BACKENDS, SHARED_SERVER_URLS, type Harness } from './support/storage-backends.js';

const shared = BACKENDS.find((b) => b.shared && SHARED_SERVER_URLS[b.name]);

describe.skipIf(!shared)(`two shard processes on ${shared?.name ?? 'a shared store'}`, { timeout: 60_000 }, () => {
  let discord: LocalDiscord;
  let harness: Harness;
  let child: ChildBot;
  let guilds: GuildRecord[];

  beforeAll(async () => {
    harness = await shared!.open(silentLogger());
    discord = await LocalDiscord.start({ recommendedShards: 2, guilds: 10 });
    guilds = [...discord.state.guilds.values()];
    // One one-off schedule per server, due 4 s after the start, written where the bot will find it.
    const store = await openStore(harness.url!, silentLogger());
    const due = Date.now() + 4000;
    for (const g of guilds) {
      const channelId = g.channels.find((c) => c.type === 0)!.id;
      await store.set(`schedules:${g.id}`, {
        s1: { id: 's1', guildId: g.id, channelId, article: 'global-health-passport', promptId: 'discuss-01', repeat: { kind: 'none' }, timeZone: 'UTC', nextRunAt: due, createdBy: discord.moderator.id, createdAt: due - 10_000, paused: false },
      });
    }
    await store.close();
    child = spawnBot({ env: { DISCORD_TOKEN: discord.token, DISCORD_API_URL: discord.apiUrl, STORAGE_URL: harness.url, SHARDS: 'auto', LOG_LEVEL: 'info' } });
    await child.waitForLog((l) => l['msg'] === 'ready' && child.logs().filter((x) => x['msg'] === 'ready').length >= 2, 30_000, 'both shards ready');
  }, 60_000);
  afterAll(async () => {
    await child?.dispose();
    await discord?.stop();
    await harness?.cleanup();
  });

  it('runs the recommended two shards, one process each, and registers the commands once', () => {
    const started = child.logs().filter((l) => l['msg'] === 'shard process started');
    expect(started.map((l) => l['shard']).sort()).toEqual([0, 1]);
    expect(new Set(started.map((l) => l['pid'])).size).toBe(2);
    expect(guilds.map((g) => shardOf(g.id, 2)).sort()).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
    expect(discord.commandPuts).toBe(1);
  });

  it('answers in every server, each through the shard that owns it', async () => {
    for (const g of guilds) {
      const channelId = g.channels.find((c) => c.type === 0)!.id;
      const reply = await discord.runCommand({ user: discord.member, channelId, name: 'help' }).reply();
      expect(reply.ephemeral).toBe(true);
    }
  });

  it('posts each server’s scheduled prompt once', async () => {
    const channelOf = (g: GuildRecord) => g.channels.find((c) => c.type === 0)!.id;
    await discord.waitFor(() => guilds.every((g) => promptPosts(discord, channelOf(g)).length >= 1) || undefined, 15_000, 'a post in every server');
    // Two shards arming every schedule would post twice; give a second post time to show.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(guilds.map((g) => promptPosts(discord, channelOf(g)).length)).toEqual(guilds.map(() => 1));
  });

  it('starts a shard process killed in the middle of a round again; the new one finishes the round, counting each click once, and posts the schedule that came due meanwhile once', async () => {
    const onOne = guilds.find((g) => shardOf(g.id, 2) === 1)!;
    const channelId = onOne.channels.find((c) => c.type === 0)!.id;
    await discord.runCommand({ user: discord.member, channelId, name: 'quiz', subcommand: 'start', options: { questions: 1, seconds: 10 } }).reply();
    const question = await discord.waitForMessage(channelId, (m) => (m.components as Array<{ components: Array<{ custom_id: string }> }>).some((r) => r.components.some((b) => b.custom_id.startsWith('quiz:a:'))));
    const buttons = (question.components as Array<{ components: Array<{ custom_id: string }> }>).flatMap((r) => r.components);
    const first = discord.addUser({ username: 'clicked-before', guildIds: [onOne.id] });
    expect((await discord.clickButton({ user: first, messageId: question.id, customId: buttons[0]!.custom_id }).reply()).content).toBe('Locked in: A');

    // A schedule of the same server comes due while shard 1 is down: its replacement posts it, once.
    const promptChannel = onOne.channels.filter((c) => c.type === 0)[1]?.id ?? channelId;
    const scheduleStore = await openStore(harness.url!, silentLogger());
    const dueAt = Date.now() + 6000;
    await scheduleStore.update(`schedules:${onOne.id}`, (map: Record<string, unknown> = {}) => ({
      ...map,
      s2: { id: 's2', guildId: onOne.id, channelId: promptChannel, article: 'global-health-passport', promptId: 'discuss-02', repeat: { kind: 'none' }, timeZone: 'UTC', nextRunAt: dueAt, createdBy: discord.moderator.id, createdAt: dueAt - 10_000, paused: false },
    }));
    await scheduleStore.close();
    const postsBefore = promptPosts(discord, promptChannel).length;

    const before = child.logs().filter((l) => l['msg'] === 'shard process started' && l['shard'] === 1);
    const pid = Number(before.at(-1)!['pid']);
    const readies = child.logs().filter((l) => l['msg'] === 'ready').length;
    process.kill(pid, 'SIGKILL');
    await child.waitForLog((l) => l['msg'] === 'shard process started' && l['shard'] === 1 && l['pid'] !== pid, 20_000, 'shard 1 started again');
    await child.waitForLog(() => child.logs().filter((l) => l['msg'] === 'ready').length > readies, 20_000, 'shard 1 ready again');

    // The same click again is refused; a new one counts; the round's reveal and summary come once.
    expect((await discord.clickButton({ user: first, messageId: question.id, customId: buttons[1]!.custom_id }).reply()).content).toBe('You have already answered this question. Your first answer stands.');
    const second = discord.addUser({ username: 'clicked-after', guildIds: [onOne.id] });
    expect((await discord.clickButton({ user: second, messageId: question.id, customId: buttons[1]!.custom_id }).reply()).content).toBe('Locked in: B');
    const summary = await discord.waitForMessage(channelId, (m) => /^Round over: scores$/.test(String((m.embeds[0] as { title?: string } | undefined)?.title)), 20_000);
    expect(discord.messages(channelId).filter((m) => /^Round/.test(String((m.embeds[0] as { title?: string } | undefined)?.title)))).toEqual([summary]);
    expect(discord.message(question.id)?.edits).toBe(1);
    const store = await openStore(harness.url!, silentLogger());
    const tallies = await Promise.all([first, second].map((u) => store.get<{ answered: number }>(`tally:${onOne.id}:${u.id}`)));
    await store.close();
    expect(tallies.map((t) => t?.answered)).toEqual([1, 1]);
    await discord.waitFor(() => promptPosts(discord, promptChannel).length > postsBefore || undefined, 15_000, 'the schedule posted by the new shard process');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(promptPosts(discord, promptChannel).length).toBe(postsBefore + 1);
    expect(discord.commandPuts).toBe(1);
  });

  it('stops every shard process on SIGTERM', async () => {
    child.kill('SIGTERM');
    expect((await child.exited).code).toBe(0);
    expect(child.logs().filter((l) => l['msg'] === 'stopped')).toHaveLength(2);
  });
});
