/**
 * When the bot leaves a server, end to end: the real bot (startBot) against the
 * local Discord stand-in with two servers, sending GUILD_DELETE / GUILD_CREATE
 * as Discord does, and a ManualClock for schedules and the retention sweep.
 * The tests run in order on one bot: removal, return, outage, then retention.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { itemRef } from '../src/content/refs.js';
import { getDeparture } from '../src/guilds/departures.js';
import { recordLearning } from '../src/learning/record.js';
import { listSchedules } from '../src/schedule/repository.js';
import type { Schedule } from '../src/schedule/types.js';
import { LocalDiscord, type ChannelRecord, type MessageRecord, type OptionValue } from '../tools/local-discord/index.js';
import { ManualClock } from '../tools/manual-clock.js';
import { startTestBot, type TestBot } from './support/bot.js';
import { buttonsOf, correctIndex, isRevealed, promptPosts, promptPostsWithThreads, questionOf } from './support/messages.js';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;
const RETENTION_DAYS = 30;

interface Server {
  id: string;
  /** Where commands are run. */
  home: string;
  /** Where scheduled prompts go. */
  prompts: string;
  /** Where public rounds run. */
  quiz: string;
}

let tb: TestBot;
let clock: ManualClock;
let g1: Server;
let g2: Server;

beforeAll(async () => {
  const discord = await LocalDiscord.start({ guilds: 2 });
  clock = new ManualClock(Date.now());
  tb = await startTestBot({ discord, clock, env: { DEFAULT_TIMEZONE: 'UTC', DATA_RETENTION_DAYS: String(RETENTION_DAYS), PROMPT_GRACE_MINUTES: '10' } });
  g1 = { id: discord.guild.id, home: discord.channels.general.id, prompts: discord.channels.prompts.id, quiz: discord.channels.quiz.id };
  const second = [...discord.state.guilds.values()].find((g) => g.name === 'guild-2')!;
  const ch = (name: string) => discord.channel(name, second.id).id;
  g2 = { id: second.id, home: ch('channel-1'), prompts: ch('channel-2'), quiz: ch('channel-3') };
});

afterAll(async () => {
  expect(tb.discord.serverErrors).toEqual([]);
  expect(tb.logs().filter((l) => Number(l.level) >= 50)).toEqual([]);
  await tb.stop();
  await tb.discord.stop();
});

// ---- helpers ---------------------------------------------------------------

const d = () => tb.discord;
const store = () => tb.bot.services.store;

function command(server: Server, name: string, subcommand: string, options: Record<string, OptionValue> = {}): Promise<MessageRecord> {
  return d().runCommand({ user: d().moderator, channelId: server.home, name, subcommand, options }).reply();
}

async function schedule(server: Server, options: Record<string, OptionValue>): Promise<string> {
  const reply = await command(server, 'prompt', 'schedule', { channel: { id: server.prompts }, ...options });
  const id = /^Scheduled \*\*([a-z2-9]{4})\*\*/.exec(reply.content)?.[1];
  expect(id, reply.content).toBeDefined();
  return id!;
}

async function stored(server: Server, id: string): Promise<Schedule> {
  const s = (await listSchedules(store(), server.id)).find((x) => x.id === id);
  expect(s, `schedule ${id}`).toBeDefined();
  return s!;
}

const posts = (channelId: string) => promptPosts(d(), channelId);
const postsWithThreads = (channelId: string, count: number) => promptPostsWithThreads(d(), channelId, count);

/** Moves the clock, then waits for the runs and sweeps it started. */
async function advance(ms: number): Promise<void> {
  await clock.advance(ms);
  await tb.bot.services.schedules.idle();
  await tb.bot.services.retention.idle();
}

/** Waits for a log line written after the first `since` lines. */
function waitForLog(msg: string, guildId: string, since: number): Promise<Record<string, unknown>> {
  return d().waitFor(() => tb.logs().slice(since).find((l) => l.msg === msg && l.guildId === guildId), 5000, `the log "${msg}" for ${guildId}`);
}

const serverChannels = (guildId: string): ChannelRecord[] => {
  const guild = d().state.guilds.get(guildId)!;
  return [...guild.channels, ...guild.threads];
};

/** Every REST call since `mark` that touched the server or one of its channels. */
function callsTo(server: Server, mark: number) {
  const paths = [`/guilds/${server.id}`, ...serverChannels(server.id).map((c) => `/channels/${c.id}`)];
  return d()
    .calls.slice(mark)
    .filter((c) => paths.some((p) => c.path === p || c.path.startsWith(`${p}/`)));
}

/**
 * Every stored entry of the server's data: its id or one of its channels' ids
 * is in the key (its departure record is not its data).
 */
async function entriesOf(server: Server): Promise<Map<string, unknown>> {
  const ids = [server.id, ...serverChannels(server.id).map((c) => c.id)];
  return new Map((await store().scan<unknown>('')).filter(([key]) => !key.startsWith('departed:') && ids.some((id) => key.includes(id))));
}

/** One practice question, answered: a tally and the user's practice list. */
async function practise(server: Server): Promise<void> {
  const m = await d().runCommand({ user: d().member, channelId: server.home, name: 'quiz', subcommand: 'practice' }).reply();
  const q = questionOf(tb.bot.services.shelf.current.first, m);
  const letter = buttonsOf(m).filter((b) => b.custom_id.startsWith('practice:q:'))[correctIndex(q, m)]!;
  await d().clickButton({ user: d().member, messageId: m.id, customId: letter.custom_id }).response();
}

/** A one-question public round, answered and revealed: the channel's list and the round's picks. */
async function playRound(server: Server): Promise<void> {
  const since = d().messages(server.quiz).length;
  await d().runCommand({ user: d().member, channelId: server.quiz, name: 'quiz', subcommand: 'start', options: { questions: 1, seconds: 10 } }).reply();
  const question = await d().waitFor(
    () => d().messages(server.quiz).slice(since).find((m) => buttonsOf(m).some((b) => b.custom_id.startsWith('quiz:a:'))),
    5000,
    'the round question',
  );
  const answer = buttonsOf(question).find((b) => b.custom_id.startsWith('quiz:a:'))!;
  await d().clickButton({ user: d().member, messageId: question.id, customId: answer.custom_id }).response();
  await clock.advance(10 * S);
  await d().waitFor(() => isRevealed(d().message(question.id)), 5000, 'the reveal');
  await d().waitForMessage(server.quiz, (m) => (m.embeds[0] as { title?: string } | undefined)?.title === 'Round over: scores');
}

// ---- tests -------------------------------------------------------------------

describe('when the bot leaves a server', () => {
  let daily: string;
  let oneOff: string;
  let dailyFirstRun: number;
  let removedAt: number;

  it('a removal stops that server’s schedules at once: no request to its channels and no retry, while another server’s schedule still posts', async () => {
    dailyFirstRun = clock.now() + H;
    daily = await schedule(g1, { when: 'in 1h', repeat: 'daily' });
    oneOff = await schedule(g1, { when: 'in 1d 2h', prompt: 'discuss-04' });
    const other = await schedule(g2, { when: 'in 1h', repeat: 'daily' });
    const before = { g1: posts(g1.prompts).length, g2: posts(g2.prompts).length };
    const dailyBefore = await stored(g1, daily);

    const mark = d().calls.length;
    removedAt = clock.now();
    const logged = tb.logs().length;
    d().removeBot(g1.id);
    await waitForLog('left a server: its schedules are stopped and its data kept', g1.id, logged);
    expect(await getDeparture(store(), g1.id)).toEqual({ guildId: g1.id, at: removedAt });

    await advance(H);
    await postsWithThreads(g2.prompts, before.g2 + 1);
    await advance(D);
    await postsWithThreads(g2.prompts, before.g2 + 2);

    // Two due times of the left server went by: nothing was tried, nothing recorded.
    expect(callsTo(g1, mark)).toEqual([]);
    expect(posts(g1.prompts)).toHaveLength(before.g1);
    expect(await stored(g1, daily)).toEqual(dailyBefore);
    expect((await stored(g2, other)).lastResult).toMatchObject({ ok: true });
    await command(g2, 'prompt', 'cancel', { id: other });
  });

  it('added back within the retention, everything is back: a one-off missed by less than the grace is posted, a daily run missed by more is recorded as skipped, the next daily run posts', async () => {
    const due = (await stored(g1, oneOff)).nextRunAt!;
    await advance(due + 5 * M - clock.now());
    const mark = d().calls.length;
    const before = posts(g1.prompts).length;

    const logged = tb.logs().length;
    d().addBot(g1.id);
    const back = await waitForLog('back in a server: its data and schedules are restored', g1.id, logged);
    expect(back).toMatchObject({ awayMs: clock.now() - removedAt, activeSchedules: 2 });
    expect(await getDeparture(store(), g1.id)).toBeUndefined();
    await advance(0); // the re-armed runs that came due meanwhile fire now

    // The one-off, 5 minutes late (grace 10): posted now.
    const [late] = (await postsWithThreads(g1.prompts, before + 1)).slice(before);
    expect(JSON.stringify(late!.embeds)).toContain(tb.bot.services.shelf.current.first.prompt('discuss-04')!.text.slice(0, 40));
    expect((await stored(g1, oneOff)).lastResult).toMatchObject({ ok: true, runAt: due });
    // The daily run, more than a day late: recorded as skipped, not posted; the next one is tomorrow's.
    const skipped = await stored(g1, daily);
    expect(skipped.lastResult).toMatchObject({ ok: false, runAt: dailyFirstRun });
    expect(skipped.lastResult!.message).toMatch(/^skipped: /);
    expect(skipped.nextRunAt).toBeGreaterThan(clock.now());
    expect(posts(g1.prompts)).toHaveLength(before + 1);

    await advance(skipped.nextRunAt! - clock.now());
    await postsWithThreads(g1.prompts, before + 2);
    expect((await stored(g1, daily)).lastResult).toMatchObject({ ok: true });
    expect(callsTo(g1, mark).filter((c) => c.route === 'POST /channels/:id/messages' && c.status !== 200)).toEqual([]);
  });

  it('an outage (GUILD_DELETE with unavailable: true) stops nothing: the schedule posts and no departure is stored', async () => {
    const before = posts(g1.prompts).length;
    const id = await schedule(g1, { when: 'in 1h', prompt: 'discuss-06' });
    const logged = tb.logs().length;
    d().startOutage(g1.id);
    await waitForLog('a server is unavailable (Discord outage); nothing is stopped', g1.id, logged);
    expect(tb.bot.client.guilds.cache.get(g1.id)?.available).toBe(false);

    await advance(H);
    await postsWithThreads(g1.prompts, before + 1);
    expect((await stored(g1, id)).lastResult).toMatchObject({ ok: true });
    expect(await getDeparture(store(), g1.id)).toBeUndefined();
    expect(tb.logs().filter((l) => l.msg === 'left a server: its schedules are stopped and its data kept' && l.guildId === g1.id)).toHaveLength(1);

    d().endOutage(g1.id);
    await d().waitFor(() => tb.bot.client.guilds.cache.get(g1.id)?.available, 5000, 'the server available again');
  });

  it(`a server left longer than DATA_RETENTION_DAYS (${RETENTION_DAYS}) has every key deleted by the sweep; another server's data is untouched`, async () => {
    // Data of every kind, written the way people write it.
    for (const server of [g1, g2]) {
      await practise(server);
      await playRound(server);
      await command(server, 'prompt', 'timezone', { name: 'Europe/Berlin' });
      await command(server, 'article', 'use', { article: tb.bot.services.shelf.current.first.id });
    }
    await command(g1, 'prompt', 'post', {});
    await command(g1, 'quiz-admin', 'reset');
    // After the reset, which clears learning records too. Written through the domain function, as no command writes them yet.
    for (const server of [g1, g2]) {
      const first = tb.bot.services.shelf.current.first;
      const ref = itemRef(first.id, first.questions()[0]!.id);
      await recordLearning(store(), { guildId: server.id, userId: d().member.id, ref, optionId: 'x', correct: false, source: 'practice', at: clock.now(), answerKey: `leave-test:${server.id}` });
    }

    const kept = await entriesOf(g1);
    const families = ['tally:', 'seen:practice:', 'seen:channel:', 'round-picks:', 'round-picks-index:', 'reset-confirmation:', 'schedules:', 'guild-settings:', 'prompt-rotation:', 'learning:', 'article-choice:', 'class-stats:'];
    for (const family of families) expect([...kept.keys()].some((k) => k.startsWith(family)), family).toBe(true);
    const other = await entriesOf(g2);
    expect(other.size).toBeGreaterThanOrEqual(5);

    const removed = clock.now();
    const logged = tb.logs().length;
    d().removeBot(g1.id);
    await waitForLog('left a server: its schedules are stopped and its data kept', g1.id, logged);
    expect(await getDeparture(store(), g1.id)).toMatchObject({ at: removed });

    for (let day = 1; day < RETENTION_DAYS; day++) await advance(D);
    await advance(removed + RETENTION_DAYS * D - H - clock.now());
    // An hour before the end of the retention: all still there.
    expect(new Set((await entriesOf(g1)).keys())).toEqual(new Set(kept.keys()));

    await advance(2 * H);
    expect([...(await entriesOf(g1)).keys()]).toEqual([]);
    expect(await getDeparture(store(), g1.id)).toBeUndefined();
    expect(await entriesOf(g2)).toEqual(other);
    expect(await store().get('meta:commands-hash')).toBeDefined();
    const log = tb.logs().find((l) => l.msg === 'deleted the data of a server left longer than the retention' && l.guildId === g1.id);
    expect(log).toMatchObject({ deleted: kept.size });

    // Added again now, it starts afresh.
    const added = tb.logs().length;
    d().addBot(g1.id);
    await waitForLog('added to a server', g1.id, added);
    expect(await listSchedules(store(), g1.id)).toEqual([]);
  }, 60_000);
});
