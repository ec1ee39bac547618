/**
 * Scheduled prompts end to end: the real bot (startBot, as `npm start`) against
 * the local Discord stand-in, with a ManualClock so no test waits real minutes.
 * Runs firing, repeats, pause/resume/cancel, /prompt list's last result,
 * restarts (missed runs, a stop while a post is being retried) and Discord faults.
 * The restarts here stop the bot cleanly, which leaves a run being posted pending
 * as a crash would; schedule-restart.test.ts abandons a scheduler mid-post instead.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startBot } from '../src/bot.js';
import { listSchedules } from '../src/schedule/repository.js';
import { ManualClock } from '../tools/manual-clock.js';
import type { Schedule } from '../src/schedule/types.js';
import { startTestBot, useCleanBot, type TestBot } from './support/bot.js';
import { memoryLogger } from './support/log.js';
import { promptPosts, promptPostsWithThreads } from './support/messages.js';
import type { MessageRecord, OptionValue } from '../tools/local-discord/index.js';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;
const POST_MESSAGE = 'POST /channels/:id/messages';
const START_THREAD = 'POST /channels/:id/messages/:mid/threads';

// ---- helpers ---------------------------------------------------------------

interface Bot {
  tb: TestBot;
  clock: ManualClock;
}

async function command(bot: Bot, subcommand: string, options: Record<string, OptionValue> = {}): Promise<MessageRecord> {
  const { discord } = bot.tb;
  return discord
    .runCommand({ user: discord.moderator, channelId: discord.channels.general.id, name: 'prompt', subcommand, options })
    .reply();
}

/** Creates a schedule through /prompt schedule and returns its id. */
async function schedule(bot: Bot, options: Record<string, OptionValue>): Promise<string> {
  const reply = await command(bot, 'schedule', { channel: { id: bot.tb.discord.channels.prompts.id }, ...options });
  const id = /^Scheduled \*\*([a-z2-9]{4})\*\*/.exec(reply.content)?.[1];
  expect(id, reply.content).toBeDefined();
  return id!;
}

const posts = (bot: Bot, channelId: string) => promptPosts(bot.tb.discord, channelId);

const text = (m: MessageRecord) => String((m.embeds[0] as { description?: unknown } | undefined)?.description ?? '');

/** Moves the clock, then waits for the runs it started to finish (real HTTP) and re-arm. */
async function advance(bot: Bot, ms: number): Promise<void> {
  await bot.clock.advance(ms);
  await bot.tb.bot.services.schedules.idle();
}

const postsWithThreads = (bot: Bot, channelId: string, count: number) => promptPostsWithThreads(bot.tb.discord, channelId, count);

const stored = async (bot: Bot, id: string): Promise<Schedule> => {
  const s = (await listSchedules(bot.tb.bot.services.store, bot.tb.discord.guild.id)).find((x) => x.id === id);
  expect(s, `schedule ${id}`).toBeDefined();
  return s!;
};

/** The /prompt list line of one schedule (its two lines joined). */
async function listed(bot: Bot, id: string): Promise<string> {
  const reply = await command(bot, 'list');
  const lines = text(reply).split('\n');
  const at = lines.findIndex((l) => l.startsWith(`**${id}**`));
  expect(at, text(reply)).toBeGreaterThanOrEqual(0);
  return `${lines[at]}\n${lines[at + 1]}`;
}

async function cancelAll(bot: Bot): Promise<void> {
  for (const s of await listSchedules(bot.tb.bot.services.store, bot.tb.discord.guild.id)) await command(bot, 'cancel', { id: s.id });
}

const t = (ms: number) => `<t:${Math.floor(ms / 1000)}:F>`;

/** Daily, weekly and cron repeats run on whole minutes (the first run keeps the exact time it was given). */
const minute = (ms: number) => Math.floor(ms / M) * M;

/** Nonces the bot sent with prompt posts to a channel. */
const nonces = (bot: Bot, channelId: string) =>
  bot.tb.discord.calls
    .filter((c) => c.route === POST_MESSAGE && c.path === `/channels/${channelId}/messages`)
    .map((c) => (c.body as { nonce?: unknown; enforce_nonce?: unknown }).nonce);

// ---- runs --------------------------------------------------------------------

describe('scheduled prompts fire on time', () => {
  const bot = {} as Bot;
  beforeAll(async () => {
    bot.clock = new ManualClock(Date.now());
    bot.tb = await startTestBot({ clock: bot.clock, env: { DEFAULT_TIMEZONE: 'UTC' } });
  });
  afterEach(async () => {
    bot.tb.discord.clearFaults();
    await cancelAll(bot);
  });
  afterAll(async () => {
    expect(bot.tb.discord.serverErrors).toEqual([]);
    expect(bot.tb.logs().filter((l) => Number(l.level) >= 50)).toEqual([]);
    await bot.tb.stop();
  });

  it('posts a one-off at its time, with its thread, and /prompt list shows it done and posted', async () => {
    const { discord } = bot.tb;
    const prompts = discord.channels.prompts.id;
    const before = posts(bot, prompts).length;
    const id = await schedule(bot, { when: 'in 2h', prompt: 'discuss-02' });

    await advance(bot, 2 * H - S);
    expect(posts(bot, prompts)).toHaveLength(before);

    await advance(bot, S);
    const [message] = (await postsWithThreads(bot, prompts, before + 1)).slice(before);
    expect(text(message!)).toContain(bot.tb.bot.services.shelf.current.first.prompt('discuss-02')!.text);
    const thread = discord.threads(prompts).find((th) => th.id === message!.thread_id);
    expect(thread!.name.length).toBeLessThanOrEqual(100);
    expect(bot.tb.bot.services.shelf.current.first.prompt('discuss-02')!.text.startsWith(thread!.name.replace(/…$/, ''))).toBe(true);
    expect(message!.nonce).toEqual(expect.any(String));

    await bot.tb.bot.services.schedules.idle();
    expect(await listed(bot, id)).toMatch(new RegExp(`^\\*\\*${id}\\*\\* · <#${prompts}> · done · once \\(UTC\\)\n {2}\`discuss-02\` .+ · last: posted$`));

    await advance(bot, 2 * D);
    expect(posts(bot, prompts)).toHaveLength(before + 1);
  });

  it('a daily schedule fires again the next day, taking the next prompt of the rotation', async () => {
    const prompts = bot.tb.discord.channels.prompts.id;
    const before = posts(bot, prompts).length;
    const start = bot.clock.now();
    const id = await schedule(bot, { when: 'in 1h', repeat: 'daily' });

    await advance(bot, H);
    await postsWithThreads(bot, prompts, before + 1);
    await bot.tb.bot.services.schedules.idle();
    expect((await stored(bot, id)).nextRunAt).toBe(minute(start + H) + D);
    expect(await listed(bot, id)).toContain(`next ${t(minute(start + H) + D)}`);

    await advance(bot, D - M);
    expect(posts(bot, prompts)).toHaveLength(before + 1);
    await advance(bot, M);
    const [first, second] = (await postsWithThreads(bot, prompts, before + 2)).slice(before);
    expect(text(second!)).not.toBe(text(first!));
    expect(second!.nonce).not.toBe(first!.nonce);
    await bot.tb.bot.services.schedules.idle();
    expect((await stored(bot, id)).nextRunAt).toBe(minute(start + H) + 2 * D);
  });

  it('a weekly schedule comes back seven days later', async () => {
    const prompts = bot.tb.discord.channels.prompts.id;
    const before = posts(bot, prompts).length;
    const start = bot.clock.now();
    const id = await schedule(bot, { when: 'in 1h', repeat: 'weekly', prompt: 'discuss-05' });
    await advance(bot, H);
    await postsWithThreads(bot, prompts, before + 1);
    await bot.tb.bot.services.schedules.idle();
    expect((await stored(bot, id)).nextRunAt).toBe(minute(start + H) + 7 * D);
    await advance(bot, 7 * D - M);
    expect(posts(bot, prompts)).toHaveLength(before + 1);
    await advance(bot, M);
    await postsWithThreads(bot, prompts, before + 2);
  });

  it('a cron schedule runs at its first time, then at the cron’s matches', async () => {
    const prompts = bot.tb.discord.channels.prompts.id;
    const before = posts(bot, prompts).length;
    const first = bot.clock.now() + 45 * M;
    const id = await schedule(bot, { when: 'in 45m', repeat: '0 9 * * 1-5', timezone: 'UTC' });
    await advance(bot, 45 * M);
    await postsWithThreads(bot, prompts, before + 1);
    await bot.tb.bot.services.schedules.idle();
    // The next weekday 09:00 UTC after the first run, found by brute force.
    let expected = Math.floor(first / H) * H + H;
    while (!(new Date(expected).getUTCHours() === 9 && [1, 2, 3, 4, 5].includes(new Date(expected).getUTCDay()))) expected += H;
    expect((await stored(bot, id)).nextRunAt).toBe(expected);
    await advance(bot, expected - bot.clock.now());
    await postsWithThreads(bot, prompts, before + 2);
  });

  it('a paused schedule does not fire; resumed, it fires at its next time', async () => {
    const prompts = bot.tb.discord.channels.prompts.id;
    const before = posts(bot, prompts).length;
    const start = bot.clock.now();
    const id = await schedule(bot, { when: 'in 1h', repeat: 'daily' });
    await command(bot, 'pause', { id });
    expect(await listed(bot, id)).toContain('⏸ paused');

    await advance(bot, 2 * H);
    expect(posts(bot, prompts)).toHaveLength(before);

    const resumed = await command(bot, 'resume', { id });
    // The run that fell into the pause is not posted late; the next day's is.
    const next = minute(start + H) + D;
    expect(resumed.content).toBe(`Resumed schedule **${id}**: next post ${t(next)} (<t:${Math.floor(next / 1000)}:R>).`);
    await advance(bot, next - bot.clock.now() - S);
    expect(posts(bot, prompts)).toHaveLength(before);
    await advance(bot, S);
    await postsWithThreads(bot, prompts, before + 1);
  });

  it('a schedule resumed before its time fires at that time', async () => {
    const prompts = bot.tb.discord.channels.prompts.id;
    const before = posts(bot, prompts).length;
    const id = await schedule(bot, { when: 'in 1h' });
    await command(bot, 'pause', { id });
    await advance(bot, 30 * M);
    await command(bot, 'resume', { id });
    await advance(bot, 30 * M);
    await postsWithThreads(bot, prompts, before + 1);
  });

  it('a cancelled schedule never fires and leaves /prompt list', async () => {
    const prompts = bot.tb.discord.channels.prompts.id;
    const before = posts(bot, prompts).length;
    const id = await schedule(bot, { when: 'in 1h', repeat: 'daily' });
    const cancelled = await command(bot, 'cancel', { id });
    expect(cancelled.content).toBe(`Cancelled schedule **${id}** (<#${prompts}>).`);
    await advance(bot, 3 * D);
    expect(posts(bot, prompts)).toHaveLength(before);
    expect(text(await command(bot, 'list'))).not.toContain(id);
  });

  it('a 403 is recorded as the last result while other schedules go on; once permission is back the next run posts', async () => {
    const { discord } = bot.tb;
    const prompts = discord.channels.prompts.id;
    const general = discord.channels.general.id;
    const before = { prompts: posts(bot, prompts).length, general: posts(bot, general).length };
    const denied = await schedule(bot, { when: 'in 1h', repeat: 'daily' });
    const fine = await schedule(bot, { when: 'in 1h', repeat: 'daily', channel: { id: general } });
    discord.setBotPermissions(prompts, { deny: ['SendMessages'] });
    try {
      await advance(bot, H);
      await postsWithThreads(bot, general, before.general + 1);
      await bot.tb.bot.services.schedules.idle();
      expect(posts(bot, prompts)).toHaveLength(before.prompts);
      expect(await listed(bot, denied)).toMatch(new RegExp(` · last: missing permission in <#${prompts}>$`));
      expect(await listed(bot, fine)).toMatch(/ · last: posted$/);
      // A permanent failure is not retried, and the schedule stays on its daily course.
      expect(discord.calls.filter((c) => c.route === POST_MESSAGE && c.path === `/channels/${prompts}/messages` && c.status === 403)).toHaveLength(1);
      expect((await stored(bot, denied)).nextRunAt).toBe((await stored(bot, fine)).nextRunAt);
      expect(bot.tb.logs().some((l) => l.msg === 'scheduled prompt not posted' && l.scheduleId === denied && l.reason === `missing permission in <#${prompts}>`)).toBe(true);
    } finally {
      discord.setBotPermissions(prompts, {});
    }
    await advance(bot, D);
    await postsWithThreads(bot, prompts, before.prompts + 1);
    await postsWithThreads(bot, general, before.general + 2);
    await bot.tb.bot.services.schedules.idle();
    expect(await listed(bot, denied)).toMatch(/ · last: posted$/);
  });

  it('/prompt list shows every schedule’s failure even when 25 long entries exceed what one message holds', async () => {
    const { discord } = bot.tb;
    const channel = discord.addChannel('no-send');
    await discord.waitFor(() => bot.tb.bot.client.channels.cache.get(channel.id), 2000, 'the channel in the bot cache');
    const ids: string[] = [];
    for (let i = 0; i < 25; i++) {
      ids.push(await schedule(bot, { when: 'in 1h', repeat: '0 9,12,15,18 * * 1-5', timezone: 'America/Argentina/Buenos_Aires', prompt: 'discuss-03', channel: { id: channel.id } }));
    }
    discord.setBotPermissions(channel.id, { deny: ['SendMessages'] });
    await advance(bot, H);
    const reply = await command(bot, 'list');
    const entries = reply.embeds.map((e) => String((e as { description?: unknown }).description ?? '')).join('\n');
    const size = reply.embeds.reduce((n, e) => n + String((e as { title?: unknown }).title ?? '').length + String((e as { description?: unknown }).description ?? '').length, 0);
    expect(size).toBeLessThanOrEqual(6000);
    for (const id of ids) {
      const at = entries.indexOf(`**${id}**`);
      expect(at, id).toBeGreaterThanOrEqual(0);
      expect(entries.slice(at).split('\n')[1], id).toMatch(new RegExp(`^ {2}\`discuss-03\`.* · last: missing permission in <#${channel.id}>$`));
    }
  });

  it('a 429 on the post is waited out and the prompt arrives exactly once', async () => {
    const { discord } = bot.tb;
    const prompts = discord.channels.prompts.id;
    const before = posts(bot, prompts).length;
    const calls = discord.calls.length;
    const id = await schedule(bot, { when: 'in 1h', prompt: 'discuss-07' });
    discord.failNext(POST_MESSAGE, { status: 429, retryAfter: 0.2 });
    await advance(bot, H);
    await postsWithThreads(bot, prompts, before + 1);
    await bot.tb.bot.services.schedules.idle();
    const statuses = discord.calls.slice(calls).filter((c) => c.route === POST_MESSAGE && c.path === `/channels/${prompts}/messages`).map((c) => c.status);
    expect(statuses).toEqual([429, 200]);
    expect(posts(bot, prompts)).toHaveLength(before + 1);
    expect(await listed(bot, id)).toMatch(/ · last: posted$/);
  });

  it('500s on the post are retried (by discord.js, then by the scheduler after a backoff) and the prompt arrives exactly once', async () => {
    const { discord } = bot.tb;
    const prompts = discord.channels.prompts.id;
    const before = posts(bot, prompts).length;
    const calls = discord.calls.length;
    const id = await schedule(bot, { when: 'in 1h', prompt: 'discuss-08' });
    // discord.js tries a request 4 times on 5xx; the 5th failure comes in the scheduler's second attempt.
    discord.failNext(POST_MESSAGE, { status: 500, count: 5 });
    await bot.clock.advance(H); // not advance(): the run stays in progress during its backoff
    await discord.waitFor(() => bot.tb.logs().some((l) => l.msg === 'posting failed; retrying' && l.scheduleId === id), 5000, 'the scheduler to back off');
    expect(posts(bot, prompts)).toHaveLength(before);
    await advance(bot, 2 * S);
    await postsWithThreads(bot, prompts, before + 1);
    await bot.tb.bot.services.schedules.idle();
    const statuses = discord.calls.slice(calls).filter((c) => c.route === POST_MESSAGE && c.path === `/channels/${prompts}/messages`).map((c) => c.status);
    expect(statuses).toEqual([500, 500, 500, 500, 500, 200]);
    expect(new Set(nonces(bot, prompts).slice(-6)).size).toBe(1);
    expect(posts(bot, prompts)).toHaveLength(before + 1);
    expect(await listed(bot, id)).toMatch(/ · last: posted$/);
  });

  it('a 500 that Discord answers after storing the message does not produce a second message (the nonce is reused)', async () => {
    const { discord } = bot.tb;
    const prompts = discord.channels.prompts.id;
    const before = posts(bot, prompts).length;
    await schedule(bot, { when: 'in 1h', prompt: 'discuss-09' });
    discord.failNext(POST_MESSAGE, { status: 500, after: true });
    await advance(bot, H);
    const list = await postsWithThreads(bot, prompts, before + 1);
    await bot.tb.bot.services.schedules.idle();
    expect(posts(bot, prompts)).toHaveLength(before + 1);
    expect(discord.threads(prompts).filter((th) => th.id === list.at(-1)!.thread_id)).toHaveLength(1);
  });
});

// ---- /prompt list after failures --------------------------------------------

describe('/prompt list last result', () => {
  const bot = useCleanBot();

  it('shows "channel no longer exists" when Discord answers Unknown Channel, and "not run yet" before a first run', async () => {
    const { discord } = bot.tb;
    const gone = discord.addChannel('soon-gone');
    await discord.waitFor(() => bot.tb.bot.client.channels.cache.get(gone.id), 2000, 'the channel in the bot cache');
    const id = await schedule(bot, { when: 'in 1h', channel: { id: gone.id } });
    const other = await schedule(bot, { when: 'in 5h' });
    expect(await listed(bot, id)).toMatch(/ · not run yet$/);
    discord.failNext(POST_MESSAGE, { status: 404, code: 10003, count: 10 });
    await advance(bot, H);
    discord.clearFaults();
    expect(await listed(bot, id)).toMatch(/ · done · .+\n.+ · last: channel no longer exists$/);
    expect(await listed(bot, other)).toMatch(/ · not run yet$/);
  });
});

// ---- restarts ----------------------------------------------------------------

describe('restarts', () => {
  let bot: Bot;
  beforeEach(async () => {
    const clock = new ManualClock(Date.now());
    bot = { clock, tb: await startTestBot({ clock, env: { PROMPT_GRACE_MINUTES: '10' } }) };
  });
  afterEach(async () => {
    expect(bot.tb.discord.serverErrors).toEqual([]);
    expect(bot.tb.logs().filter((l) => Number(l.level) >= 50)).toEqual([]);
    await bot.tb.stop();
  });

  /** Stops the bot, lets `ms` pass on the clock while it is down, and starts it again on the same storage and Discord. */
  async function downFor(ms: number) {
    await bot.tb.bot.stop();
    expect(bot.clock.pending).toBe(0); // nothing of the old bot can fire while it is down
    await bot.clock.advance(ms);
    const logger = memoryLogger('debug');
    bot.tb.bot = await startBot({ config: bot.tb.config, log: logger.log, clock: bot.clock });
    await advance(bot, 0);
    return logger;
  }

  it('keeps schedules across a restart: they fire afterwards', async () => {
    const prompts = bot.tb.discord.channels.prompts.id;
    const id = await schedule(bot, { when: 'in 1h', repeat: 'daily', prompt: 'discuss-10' });
    await bot.tb.restart();
    expect(await listed(bot, id)).toContain('daily');
    await advance(bot, H);
    const [message] = await postsWithThreads(bot, prompts, 1);
    expect(text(message!)).toContain(bot.tb.bot.services.shelf.current.first.prompt('discuss-10')!.text);
    await bot.tb.restart();
    await advance(bot, D);
    await postsWithThreads(bot, prompts, 2);
  });

  it('posts a run missed while down once, at start, when it is inside the grace period', async () => {
    const prompts = bot.tb.discord.channels.prompts.id;
    const start = bot.clock.now();
    const id = await schedule(bot, { when: 'in 30m', repeat: 'daily' });
    const logger = await downFor(35 * M); // 5 minutes late
    await postsWithThreads(bot, prompts, 1);
    await advance(bot, 0);
    expect(posts(bot, prompts)).toHaveLength(1);
    expect(await listed(bot, id)).toMatch(/ · last: posted$/);
    expect((await stored(bot, id)).nextRunAt).toBe(minute(start + 30 * M) + D);
    expect(logger.lines().some((l) => l.msg === 'posted scheduled prompt' && l.scheduleId === id)).toBe(true);
  });

  it('skips (and logs) a run missed while down by more than the grace period', async () => {
    const prompts = bot.tb.discord.channels.prompts.id;
    const start = bot.clock.now();
    const id = await schedule(bot, { when: 'in 30m', repeat: 'daily' });
    const logger = await downFor(45 * M); // 15 minutes late, grace is 10
    await advance(bot, M);
    expect(posts(bot, prompts)).toHaveLength(0);
    const warn = logger.lines().find((l) => l.msg === 'skipped a scheduled prompt that was too late');
    expect(warn).toMatchObject({ scheduleId: id, late: '15m', level: 40 });
    expect(await listed(bot, id)).toMatch(/ · last: skipped: the bot was offline at \d{4}-\d\d-\d\d \d\d:\d\d UTC \(15m late\)$/);
    // The schedule goes on with its next day.
    expect((await stored(bot, id)).nextRunAt).toBe(minute(start + 30 * M) + D);
    // Land on the run: a ManualClock jump far past it would make the run late by the jump.
    await advance(bot, minute(start + 30 * M) + D - bot.clock.now());
    await postsWithThreads(bot, prompts, 1);
  });

  it('stopped while retrying a post Discord stored but never confirmed, the bot re-posts it at restart with the same nonce and it appears once', async () => {
    const { discord } = bot.tb;
    const prompts = discord.channels.prompts.id;
    const id = await schedule(bot, { when: 'in 1h', prompt: 'discuss-12' });
    // Discord stores the message but every answer is a 500, so the bot never learns it was posted.
    discord.failNext(POST_MESSAGE, { status: 500, after: true, count: 4 });
    await bot.clock.advance(H);
    await discord.waitFor(() => bot.tb.logs().some((l) => l.msg === 'posting failed; retrying' && l.scheduleId === id), 5000, 'the first attempt to fail');
    expect(posts(bot, prompts)).toHaveLength(1);
    expect(posts(bot, prompts)[0]!.thread_id).toBeUndefined();
    const pending = (await stored(bot, id)).pendingRun;
    expect(pending).toBeDefined();

    // The bot is stopped during the backoff: the stop cuts the retries short and leaves the run pending, unrecorded.
    await bot.tb.restart();
    await advance(bot, 0);
    const [message] = await postsWithThreads(bot, prompts, 1);
    await bot.tb.bot.services.schedules.idle();
    expect(posts(bot, prompts)).toHaveLength(1);
    expect(discord.threads(prompts)).toHaveLength(1);
    expect(message!.nonce).toBe(pending!.nonce);
    expect(new Set(nonces(bot, prompts))).toEqual(new Set([pending!.nonce]));
    expect(nonces(bot, prompts).length).toBeGreaterThanOrEqual(5);
    const after = await stored(bot, id);
    expect(after.pendingRun).toBeUndefined();
    expect(after.lastResult).toMatchObject({ ok: true, messageId: message!.id });
  });

  it('a run left pending by a stop during its retries is not re-posted once it is past the grace period, and says so', async () => {
    const { discord } = bot.tb;
    const prompts = discord.channels.prompts.id;
    const id = await schedule(bot, { when: 'in 1h', prompt: 'discuss-14', repeat: 'daily' });
    discord.failNext(POST_MESSAGE, { status: 500, after: true, count: 4 });
    await bot.clock.advance(H);
    await discord.waitFor(() => bot.tb.logs().some((l) => l.msg === 'posting failed; retrying' && l.scheduleId === id), 5000, 'the first attempt to fail');
    const logger = await downFor(20 * M);
    expect(posts(bot, prompts)).toHaveLength(1); // the one Discord stored before the stop
    expect(nonces(bot, prompts)).toHaveLength(4);
    expect(logger.lines().find((l) => l.msg === 'skipped a scheduled prompt that was too late')).toMatchObject({ scheduleId: id, late: '20m' });
    expect(await listed(bot, id)).toMatch(/ · last: not confirmed: the bot stopped while posting the run of .+ UTC; not retried 20m later$/);
    const after = await stored(bot, id);
    expect(after.pendingRun).toBeUndefined();
    expect(after.nextRunAt).toBeGreaterThan(bot.clock.now());
  });

  it('stopped while retrying after the thread was opened, the bot neither posts twice nor fails on the existing thread at restart', async () => {
    const { discord } = bot.tb;
    const prompts = discord.channels.prompts.id;
    const id = await schedule(bot, { when: 'in 1h', prompt: 'discuss-13' });
    discord.failNext(START_THREAD, { status: 500, after: true, count: 4 });
    await bot.clock.advance(H);
    await discord.waitFor(() => bot.tb.logs().some((l) => l.msg === 'posting failed; retrying' && l.scheduleId === id), 5000, 'the first attempt to fail');
    expect(posts(bot, prompts)).toHaveLength(1);
    expect(discord.threads(prompts)).toHaveLength(1);

    await bot.tb.restart();
    await advance(bot, 0);
    expect(posts(bot, prompts)).toHaveLength(1);
    expect(discord.threads(prompts)).toHaveLength(1);
    const after = await stored(bot, id);
    expect(after.pendingRun).toBeUndefined();
    expect(after.lastResult).toMatchObject({ ok: true, messageId: posts(bot, prompts)[0]!.id });
  });
});
