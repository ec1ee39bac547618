import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../src/storage/open.js';
import type { Store } from '../src/storage/store.js';
import { MAX_TIMEOUT_MS } from '../src/clock.js';
import { discordError, FakeDiscord } from './support/fake-discord.js';
import { ManualClock } from '../tools/manual-clock.js';
import { classifyPostError, runNonce } from '../src/schedule/post-outcome.js';
import { getSchedule, type NewSchedule } from '../src/schedule/repository.js';
import { createAccepted } from './support/schedules.js';
import type { PostFn, RunResult, SchedulerOptions } from '../src/schedule/scheduler.js';
import { ScheduleService } from '../src/schedule/service.js';
import { silentLogger } from './support/log.js';

const log = silentLogger();
const T0 = Date.parse('2025-03-28T07:00:00Z'); // Friday 08:00 in Berlin
const M = 60_000;
const H = 60 * M;
const D = 24 * H;
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function setup(options: Partial<SchedulerOptions> = {}) {
  const store: Store = await openStore('memory://', log);
  const clock = new ManualClock(T0);
  const discord = new FakeDiscord(clock);
  const results: RunResult[] = [];
  const schedules = new ScheduleService({
    store,
    clock,
    log,
    post: discord.post,
    retry: { attempts: 4, baseMs: 1000 },
    onResult: (_s, r) => results.push(r),
    ...options,
  });
  cleanups.push(async () => {
    await schedules.stop();
    await store.close();
  });
  const schedule = async (over: Partial<NewSchedule> = {}) => {
    const result = await schedules.create({
      guildId: 'g1',
      channelId: 'c1',
      article: 'a1',
      promptId: null,
      repeat: { kind: 'daily' },
      timeZone: 'Europe/Berlin',
      firstRunAt: T0 + H,
      createdBy: 'u1',
      ...over,
    });
    if (result.kind !== 'created') throw new Error(`the schedule was refused: ${result.kind}`);
    return result.schedule;
  };
  return { store, clock, discord, results, schedules, schedule };
}

describe('Scheduler', () => {
  it('posts a one-off at its time, records it, then leaves it inactive', async () => {
    const { clock, discord, results, schedules, schedule, store } = await setup();
    const s = await schedule({ repeat: { kind: 'none' } });
    await clock.advance(H - 1);
    expect(discord.messages).toHaveLength(0);
    await clock.advance(1);
    await schedules.idle();
    expect(discord.messages).toMatchObject([{ scheduleId: s.id, postedAt: T0 + H, nonce: runNonce('g1', s.id, T0 + H) }]);
    expect(results).toMatchObject([{ status: 'posted', runAt: T0 + H, attempts: 1 }]);
    const after = await getSchedule(store, 'g1', s.id);
    expect(after).toMatchObject({ nextRunAt: null, lastResult: { ok: true, messageId: '1', runAt: T0 + H } });
    expect(after?.pendingRun).toBeUndefined();
    expect(clock.pending).toBe(0);
    await clock.advance(5 * D);
    expect(discord.messages).toHaveLength(1);
  });

  it('posts a daily 09:00 Berlin schedule at 09:00 local across the March DST change', async () => {
    const { clock, discord, schedule } = await setup();
    await schedule(); // first run 2025-03-28 09:00 CET
    await clock.advance(4 * D - 1);
    expect(discord.messages.map((m) => new Date(m.postedAt).toISOString())).toEqual([
      '2025-03-28T08:00:00.000Z',
      '2025-03-29T08:00:00.000Z',
      '2025-03-30T07:00:00.000Z',
      '2025-03-31T07:00:00.000Z',
    ]);
  });

  it('keeps nonces within 25 characters and distinct per run and server', () => {
    const a = runNonce('123456789012345678', 'k3f9', T0);
    expect(a.length).toBeLessThanOrEqual(25);
    expect(runNonce('123456789012345678', 'k3f9', T0)).toBe(a);
    expect(runNonce('123456789012345678', 'k3f9', T0 + D)).not.toBe(a);
    expect(runNonce('123456789012345679', 'k3f9', T0)).not.toBe(a);
  });

  it('retries 429 and 500 answers with backoff and posts once with the same nonce', async () => {
    const { clock, discord, results, schedules, schedule, store } = await setup();
    const s = await schedule();
    discord.failNext(discordError(429), discordError(500, 0));
    await clock.advance(H);
    expect(discord.calls).toHaveLength(1);
    await clock.advance(999);
    expect(discord.calls).toHaveLength(1);
    await clock.advance(1);
    expect(discord.calls).toHaveLength(2);
    await clock.advance(2000);
    await schedules.idle();
    expect(discord.calls).toHaveLength(3);
    expect(new Set(discord.calls.map((c) => c.nonce)).size).toBe(1);
    expect(discord.messages).toHaveLength(1);
    expect(results).toMatchObject([{ status: 'posted', attempts: 3 }]);
    expect(await getSchedule(store, 'g1', s.id)).toMatchObject({ nextRunAt: T0 + H + D, lastResult: { ok: true } });
  });

  it('retries a network error, and records the failure once the attempts run out', async () => {
    const { clock, discord, results, schedules, schedule, store } = await setup();
    const s = await schedule();
    discord.failNext(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), ...Array.from({ length: 3 }, () => discordError(503)));
    await clock.advance(H + 1000 + 2000 + 4000);
    await schedules.idle();
    expect(discord.calls).toHaveLength(4);
    expect(results).toMatchObject([{ status: 'failed', permanent: false, attempts: 4, message: 'Discord answered 503, gave up after 4 tries' }]);
    // The next day's run is still on.
    expect(await getSchedule(store, 'g1', s.id)).toMatchObject({ nextRunAt: T0 + H + D, lastResult: { ok: false } });
    await clock.advance(D);
    expect(discord.messages).toHaveLength(1);
  });

  it('records a 403 without retrying, and posts again on the next run once permission is back', async () => {
    const { clock, discord, results, schedule, store } = await setup();
    const s = await schedule();
    discord.failNext(discordError(403, 50013, 'Missing Permissions'));
    await clock.advance(H + 10 * M);
    expect(discord.calls).toHaveLength(1);
    expect((await getSchedule(store, 'g1', s.id))?.lastResult).toMatchObject({ ok: false, message: 'missing permission in <#c1>' });
    await clock.advance(D);
    expect(discord.messages).toHaveLength(1);
    expect(results.map((r) => r.status)).toEqual(['failed', 'posted']);
    expect((await getSchedule(store, 'g1', s.id))?.lastResult).toMatchObject({ ok: true, message: 'posted in <#c1>' });
  });

  it('names permanent Discord failures for the server admins', () => {
    expect(classifyPostError(discordError(403, 50001), 'c9').message).toBe('no access to <#c9>');
    expect(classifyPostError(discordError(404, 10003), 'c9')).toEqual({ transient: false, message: 'channel no longer exists' });
    expect(classifyPostError(discordError(404), 'c9').message).toBe('channel no longer exists');
    expect(classifyPostError(discordError(403), 'c9').message).toBe('missing permission in <#c9>');
    expect(classifyPostError(new TypeError('fetch failed', { cause: { code: 'UND_ERR_SOCKET' } }), 'c9').transient).toBe(true);
    expect(classifyPostError(new Error('bug'), 'c9')).toEqual({ transient: false, message: 'could not post: bug' });
  });

  it('does not let one schedule whose post throws affect another', async () => {
    const posted: string[] = [];
    let brokenId = '';
    const post: PostFn = async (s) => {
      if (s.id === brokenId) throw new TypeError('cannot read properties of undefined');
      posted.push(s.id);
      return { messageId: `m-${s.id}` };
    };
    const { clock, results, schedules, schedule, store } = await setup({ post });
    const broken = await schedule();
    brokenId = broken.id;
    const fine = await schedule();
    await clock.advance(H);
    await schedules.idle();
    expect(posted).toEqual([fine.id]);
    expect(results).toHaveLength(2);
    expect((await getSchedule(store, 'g1', broken.id))?.lastResult?.message).toMatch(/could not post: cannot read/);
    expect((await getSchedule(store, 'g1', broken.id))?.nextRunAt).toBe(T0 + H + D);
    await clock.advance(D);
    expect(posted).toEqual([fine.id, fine.id]);
  });

  it('does not post while paused, and resumes at the next run after now', async () => {
    const { clock, discord, schedules, schedule } = await setup();
    const s = await schedule();
    expect(clock.pending).toBe(1);
    expect((await schedules.pause('g1', s.id)).kind).toBe('paused');
    // The service disarmed the timer along with storing the pause.
    expect(clock.pending).toBe(0);
    await clock.advance(D + 12 * H);
    expect(discord.messages).toHaveLength(0);
    // Sunday 2025-03-30 09:00 CEST
    expect(await schedules.resume('g1', s.id)).toMatchObject({ kind: 'resumed', schedule: { nextRunAt: Date.parse('2025-03-30T07:00:00Z') } });
    expect(clock.pending).toBe(1);
    await clock.advance(12 * H);
    expect(discord.messages.map((m) => m.postedAt)).toEqual([Date.parse('2025-03-30T07:00:00Z')]);
  });

  it('does not post a cancelled schedule', async () => {
    const { clock, discord, schedules, schedule } = await setup();
    const s = await schedule();
    expect((await schedules.cancel('g1', s.id)).kind).toBe('cancelled');
    expect(clock.pending).toBe(0);
    await clock.advance(2 * D);
    expect(discord.calls).toHaveLength(0);
  });

  it('leaves a schedule cancelled while its post is in flight cancelled', async () => {
    let release!: () => void;
    const post: PostFn = () => new Promise((resolve) => (release = () => resolve({ messageId: 'm1' })));
    const { clock, schedules, schedule, store } = await setup({ post });
    const s = await schedule();
    await clock.advance(H);
    expect((await schedules.cancel('g1', s.id)).kind).toBe('cancelled');
    release();
    await schedules.idle();
    expect(await getSchedule(store, 'g1', s.id)).toBeUndefined();
    expect(clock.pending).toBe(0);
  });

  it('skips a one-off found more than the grace period late at start, and leaves it inactive', async () => {
    const { clock, discord, results, schedules, store } = await setup();
    const s = await createAccepted(
      store,
      { guildId: 'g1', channelId: 'c1', article: 'a1', promptId: 'p1', repeat: { kind: 'none' }, timeZone: 'UTC', firstRunAt: T0 + H, createdBy: 'u1' },
      T0,
    );
    await clock.advance(H + 11 * M);
    await schedules.start();
    await clock.advance(0);
    await schedules.idle();
    expect(discord.calls).toHaveLength(0);
    expect(results).toMatchObject([{ status: 'skipped', lateMs: 11 * M }]);
    expect(await getSchedule(store, 'g1', s.id)).toMatchObject({ nextRunAt: null, lastResult: { ok: false } });
    expect(clock.pending).toBe(0);
  });

  it('fires a schedule more than 24.8 days ahead at the right time', async () => {
    const { clock, discord, schedule } = await setup();
    const at = T0 + 40 * D;
    expect(40 * D).toBeGreaterThan(MAX_TIMEOUT_MS);
    await schedule({ repeat: { kind: 'none' }, firstRunAt: at });
    await clock.advance(MAX_TIMEOUT_MS + 1);
    expect(discord.calls).toHaveLength(0);
    expect(clock.nextTimerAt).toBe(at);
    await clock.advance(at - clock.now());
    expect(discord.messages.map((m) => m.postedAt)).toEqual([at]);
  });

  it('stop() waits for a post in flight and leaves no armed timers', async () => {
    let release!: () => void;
    const post: PostFn = () => new Promise((resolve) => (release = () => resolve({ messageId: 'm1' })));
    const { clock, results, schedules, schedule } = await setup({ post });
    await schedule();
    await schedule({ firstRunAt: T0 + 2 * H });
    await schedule({ firstRunAt: T0 + 3 * H, repeat: { kind: 'weekly' } });
    expect(clock.pending).toBe(3);
    await clock.advance(H);
    let stopped = false;
    const stopping = schedules.stop().then(() => (stopped = true));
    await clock.advance(0);
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(results).toMatchObject([{ status: 'posted' }]);
    expect(clock.pending).toBe(0);
    expect(clock.pending).toBe(0);
  });

  it('stop() cuts a retry wait short and leaves the run pending for the next start', async () => {
    const { clock, discord, schedules, schedule, store } = await setup();
    const s = await schedule();
    discord.failNext(discordError(502));
    await clock.advance(H);
    await schedules.stop();
    expect(clock.pending).toBe(0);
    expect((await getSchedule(store, 'g1', s.id))?.pendingRun).toEqual({ runAt: T0 + H, nonce: runNonce('g1', s.id, T0 + H) });
  });
  it('suspendGuild disarms that server only and cuts its retry wait short; resumed within the grace, the pending run posts once with its nonce', async () => {
    const { clock, discord, results, schedules, schedule, store } = await setup();
    const left = await schedule();
    const stays = await schedule({ guildId: 'g2', channelId: 'c2' });
    const later = await schedule({ firstRunAt: T0 + 3 * H });
    discord.failNext(discordError(502));
    await clock.advance(H); // g1's run fails and waits 1 s to retry; g2's posts
    expect(schedules.suspendGuild('g1')).toBe(1); // `later`'s timer; the failing run has none, only a wait
    await clock.advance(5 * M);
    await schedules.idle();
    expect(discord.calls.filter((c) => c.scheduleId === left.id)).toHaveLength(1);
    expect(discord.messages.map((m) => m.scheduleId)).toEqual([stays.id]);
    expect((await getSchedule(store, 'g1', left.id))?.pendingRun).toEqual({ runAt: T0 + H, nonce: runNonce('g1', left.id, T0 + H) });
    await clock.advance(3 * H); // `later` comes due while suspended
    expect(discord.calls.filter((c) => c.scheduleId === later.id)).toHaveLength(0);

    expect(await schedules.resumeGuild('g1')).toBe(2);
    await clock.advance(0);
    await schedules.idle();
    // `left` is 3 h 5 min late: past the grace, so not re-posted; `later` is 1 h 5 min late: skipped too.
    expect(discord.calls.filter((c) => c.scheduleId === left.id)).toHaveLength(1);
    expect(results.filter((r) => r.status === 'skipped')).toHaveLength(2);
    expect((await getSchedule(store, 'g1', left.id))?.pendingRun).toBeUndefined();
    expect((await getSchedule(store, 'g1', left.id))?.nextRunAt).toBe(T0 + H + D);
  });

  it('a run whose retry was cut short by suspendGuild is re-posted with the same nonce when the server is back within the grace', async () => {
    const { clock, discord, schedules, schedule } = await setup();
    const s = await schedule();
    discord.failNext(discordError(500, 0));
    await clock.advance(H);
    schedules.suspendGuild('g1');
    await schedules.idle();
    await clock.advance(5 * M);
    expect(discord.calls).toHaveLength(1);
    await schedules.resumeGuild('g1');
    await clock.advance(0);
    await schedules.idle();
    expect(discord.calls).toHaveLength(2);
    expect(new Set(discord.calls.map((c) => c.nonce))).toEqual(new Set([runNonce('g1', s.id, T0 + H)]));
    expect(discord.messages).toHaveLength(1);
  });

  it('a server suspended before start has nothing armed and posts nothing until resumed', async () => {
    const { clock, discord, schedules, schedule } = await setup();
    await schedule();
    expect(schedules.suspendGuild('g1')).toBe(1);
    await schedules.start();
    expect(clock.pending).toBe(0);
    await clock.advance(2 * H);
    expect(discord.calls).toHaveLength(0);
  });
});
