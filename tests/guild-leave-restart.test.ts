/**
 * Servers the bot left, or that were in an outage, while it was not running:
 * what the next start makes of the gateway's READY. The real bot against the
 * local Discord stand-in with two servers, restarted on the same SQLite file.
 * Also a retention of 0 days, which deletes at the removal itself.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDeparture } from '../src/guilds/departures.js';
import { listSchedules } from '../src/schedule/repository.js';
import { LocalDiscord, type OptionValue } from '../tools/local-discord/index.js';
import { ManualClock } from '../tools/manual-clock.js';
import { startTestBot, type TestBot } from './support/bot.js';
import { promptPosts, promptPostsWithThreads } from './support/messages.js';

const M = 60_000;
const H = 60 * M;

interface Server {
  id: string;
  home: string;
  prompts: string;
}

let tb: TestBot;
let clock: ManualClock;
let g1: Server;
let g2: Server;

beforeAll(async () => {
  const discord = await LocalDiscord.start({ guilds: 2 });
  clock = new ManualClock(Date.now());
  tb = await startTestBot({ discord, clock, env: { DEFAULT_TIMEZONE: 'UTC' } });
  g1 = { id: discord.guild.id, home: discord.channels.general.id, prompts: discord.channels.prompts.id };
  const second = [...discord.state.guilds.values()].find((g) => g.name === 'guild-2')!;
  g2 = { id: second.id, home: discord.channel('channel-1', second.id).id, prompts: discord.channel('channel-2', second.id).id };
});

afterAll(async () => {
  expect(tb.discord.serverErrors).toEqual([]);
  expect(tb.logs().filter((l) => Number(l.level) >= 50)).toEqual([]);
  await tb.stop();
  await tb.discord.stop();
});

const d = () => tb.discord;
const store = () => tb.bot.services.store;

async function schedule(server: Server, options: Record<string, OptionValue>): Promise<string> {
  const reply = await d().runCommand({ user: d().moderator, channelId: server.home, name: 'prompt', subcommand: 'schedule', options: { channel: { id: server.prompts }, ...options } }).reply();
  const id = /^Scheduled \*\*([a-z2-9]{4})\*\*/.exec(reply.content)?.[1];
  expect(id, reply.content).toBeDefined();
  return id!;
}

async function cancelAll(server: Server): Promise<void> {
  for (const s of await listSchedules(store(), server.id)) {
    await d().runCommand({ user: d().moderator, channelId: server.home, name: 'prompt', subcommand: 'cancel', options: { id: s.id } }).reply();
  }
}

const posts = (channelId: string) => promptPosts(d(), channelId);
const postsWithThreads = (channelId: string, count: number) => promptPostsWithThreads(d(), channelId, count);

async function advance(ms: number): Promise<void> {
  await clock.advance(ms);
  await tb.bot.services.schedules.idle();
  await tb.bot.services.retention.idle();
}

function waitForLog(msg: string, since: number, match: (l: Record<string, unknown>) => boolean = () => true): Promise<Record<string, unknown>> {
  return d().waitFor(() => tb.logs().slice(since).find((l) => l.msg === msg && match(l)), 5000, `the log "${msg}"`);
}

/** REST calls since `mark` to one of the server's channels. */
const callsTo = (server: Server, mark: number) => {
  const guild = d().state.guilds.get(server.id)!;
  const ids = [...guild.channels, ...guild.threads].map((c) => c.id);
  return d()
    .calls.slice(mark)
    .filter((c) => ids.some((id) => c.path.startsWith(`/channels/${id}`)));
};

const LEFT_WHILE_DOWN = 'servers with stored data are not in the guild list: treated as left while the bot was down';

describe('at start, READY decides which servers were left', () => {
  it('a server the bot was removed from while it was down is counted as left: its schedules stay stopped while another server’s post; added back, they run again', async () => {
    await schedule(g1, { when: 'in 1h', repeat: 'daily' });
    await schedule(g2, { when: 'in 1h', repeat: 'daily' });
    const before = { g1: posts(g1.prompts).length, g2: posts(g2.prompts).length };

    const logged = tb.logs().length;
    await tb.restart(() => d().removeBot(g1.id));
    expect(await waitForLog(LEFT_WHILE_DOWN, logged)).toMatchObject({ guildIds: [g1.id] });
    expect(await getDeparture(store(), g1.id)).toEqual({ guildId: g1.id, at: clock.now() });
    expect(await getDeparture(store(), g2.id)).toBeUndefined();

    const mark = d().calls.length;
    await advance(H);
    await postsWithThreads(g2.prompts, before.g2 + 1);
    expect(callsTo(g1, mark)).toEqual([]);
    expect(posts(g1.prompts)).toHaveLength(before.g1);

    const back = tb.logs().length;
    d().addBot(g1.id);
    await waitForLog('back in a server: its data and schedules are restored', back, (l) => l.guildId === g1.id);
    await advance(0);
    // Due just now (0 late): posted on return.
    await postsWithThreads(g1.prompts, before.g1 + 1);
    await cancelAll(g1);
    await cancelAll(g2);
  });

  it('a server re-added while the bot was down is restored at start', async () => {
    const before = posts(g1.prompts).length;
    await schedule(g1, { when: 'in 1h' });
    const logged = tb.logs().length;
    d().removeBot(g1.id);
    await waitForLog('left a server: its schedules are stopped and its data kept', logged, (l) => l.guildId === g1.id);

    const restarted = tb.logs().length;
    await tb.restart(() => d().addBot(g1.id));
    await waitForLog('back in a server: its data and schedules are restored', restarted, (l) => l.guildId === g1.id);
    expect(await getDeparture(store(), g1.id)).toBeUndefined();
    expect(tb.logs().slice(restarted).some((l) => l.msg === LEFT_WHILE_DOWN)).toBe(false);
    await advance(H);
    await postsWithThreads(g1.prompts, before + 1);
  });

  it('a server in an outage at start (in READY as unavailable, no GUILD_CREATE) is not counted as left: its schedule posts', async () => {
    const before = posts(g1.prompts).length;
    await schedule(g1, { when: 'in 1h' });
    const logged = tb.logs().length;
    // discord.js declares itself ready once its waitGuildTimeout (15 s) passes without the server's GUILD_CREATE.
    await tb.restart(() => d().startOutage(g1.id));
    expect(tb.bot.client.guilds.cache.get(g1.id)?.available).toBe(false);
    expect(tb.logs().slice(logged).some((l) => l.msg === LEFT_WHILE_DOWN)).toBe(false);
    expect(await getDeparture(store(), g1.id)).toBeUndefined();

    await advance(H);
    await postsWithThreads(g1.prompts, before + 1);
    d().endOutage(g1.id);
    await d().waitFor(() => tb.bot.client.guilds.cache.get(g1.id)?.available, 5000, 'the server available again');
  }, 45_000);
});

describe('DATA_RETENTION_DAYS=0', () => {
  it('deletes a server’s data as soon as the bot is removed, and the server starts afresh when it is added back', async () => {
    const zero = await startTestBot({ env: { DATA_RETENTION_DAYS: '0' } });
    try {
      const { discord } = zero;
      const guildId = discord.guild.id;
      const run = (subcommand: string, options: Record<string, OptionValue>) =>
        discord.runCommand({ user: discord.moderator, channelId: discord.channels.general.id, name: 'prompt', subcommand, options }).reply();
      await run('timezone', { name: 'Europe/Berlin' });
      await run('schedule', { channel: { id: discord.channels.prompts.id }, when: 'in 1h' });
      const ofServer = async () => (await zero.bot.services.store.scan('')).filter(([key]) => key.includes(guildId)).map(([key]) => key);
      expect(await ofServer()).toEqual(expect.arrayContaining([`schedules:${guildId}`, `guild-settings:${guildId}`]));

      discord.removeBot(guildId);
      const deleted = await discord.waitFor(() => zero.logs().find((l) => l.msg === 'deleted the data of a server left longer than the retention'), 5000, 'the deletion');
      expect(deleted).toMatchObject({ guildId, deleted: 2 });
      expect(await ofServer()).toEqual([]);
      discord.addBot(guildId);
      await discord.waitFor(() => zero.logs().find((l) => l.msg === 'added to a server' && l.guildId === guildId), 5000, 'the return');
      expect(await ofServer()).toEqual([]);
    } finally {
      await zero.stop();
    }
  });
});
