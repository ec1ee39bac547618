import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../src/storage/open.js';
import type { Store } from '../src/storage/store.js';
import { FakeDiscord } from './support/fake-discord.js';
import { ManualClock } from '../tools/manual-clock.js';
import { runNonce } from '../src/schedule/post-outcome.js';
import { getSchedule } from '../src/schedule/repository.js';
import { createAccepted } from './support/schedules.js';
import { Scheduler, type PostFn, type RunResult } from '../src/schedule/scheduler.js';
import type { Schedule } from '../src/schedule/types.js';
import { memoryLogger, silentLogger } from './support/log.js';
import { tempDir } from './support/temp.js';

const silent = silentLogger();
const T = Date.parse('2025-06-02T07:00:00Z'); // 09:00 in Berlin
const M = 60_000;
const D = 24 * 60 * M;
let tmp: ReturnType<typeof tempDir>;
let url: string;
const open: Array<{ store: Store; scheduler?: Scheduler }> = [];

beforeEach(() => {
  tmp = tempDir('schedule-restart-');
  url = `sqlite://${join(tmp.dir, 'bot.sqlite')}`;
});
afterEach(async () => {
  for (const { store, scheduler } of open.splice(0)) {
    await scheduler?.stop();
    await store.close().catch(() => {});
  }
  tmp.cleanup();
});

/** Waits (in real time) for I/O-bound async work to reach a state. */
async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** The bot before it went down: one daily schedule, first run at T. */
async function createOnDisk(): Promise<Schedule> {
  const store = await openStore(url, silent);
  const s = await createAccepted(
    store,
    { guildId: 'g1', channelId: 'c1', article: 'a1', promptId: 'p1', repeat: { kind: 'daily' }, timeZone: 'Europe/Berlin', firstRunAt: T, createdBy: 'u1' },
    T - D,
  );
  await store.close();
  return s;
}

/** The bot coming back at `now`. */
async function boot(now: number, post: PostFn, log = silent) {
  const store = await openStore(url, log);
  const clock = new ManualClock(now);
  const results: RunResult[] = [];
  const scheduler = new Scheduler({ store, clock, log, post, onResult: (_s, r) => results.push(r) });
  open.push({ store, scheduler });
  await scheduler.start();
  await clock.advance(0);
  return { store, clock, results, scheduler };
}

describe('Scheduler restarts (SQLite)', () => {
  it('posts a run missed while down once at start when it is inside the grace period', async () => {
    const s = await createOnDisk();
    const discord = new FakeDiscord({ now: () => T + 5 * M });
    const { store, clock, results, scheduler } = await boot(T + 5 * M, discord.post);
    await until(() => results.length === 1, 'the missed run');
    await scheduler.idle();
    expect(discord.messages).toHaveLength(1);
    expect(results[0]).toMatchObject({ status: 'posted', runAt: T });
    // The next run is tomorrow's 09:00, counted from now.
    expect(await getSchedule(store, 'g1', s.id)).toMatchObject({ nextRunAt: T + D, lastResult: { ok: true, runAt: T } });
    await clock.advance(60 * M);
    expect(discord.calls).toHaveLength(1);
  });

  it('skips and logs a run missed by more than the grace period, then carries on from now', async () => {
    const s = await createOnDisk();
    const discord = new FakeDiscord({ now: () => T + 2 * 60 * M });
    const { log, lines } = memoryLogger('warn');
    const { store, results, scheduler } = await boot(T + 2 * 60 * M, discord.post, log);
    await until(() => results.length === 1, 'the skip');
    await scheduler.idle();
    expect(discord.calls).toHaveLength(0);
    expect(results[0]).toMatchObject({ status: 'skipped', runAt: T, lateMs: 2 * 60 * M });
    const stored = await getSchedule(store, 'g1', s.id);
    expect(stored).toMatchObject({ nextRunAt: T + D, lastResult: { ok: false, message: 'skipped: the bot was offline at 2025-06-02 09:00 Europe/Berlin (2h late)' } });
    expect(lines()).toEqual([expect.objectContaining({ level: 40, scheduleId: s.id, guildId: 'g1', lateMs: 2 * 60 * M, late: '2h' })]);
  });

  it('re-posts with the same nonce after a crash right after posting, and Discord keeps one message', async () => {
    const s = await createOnDisk();
    let now = T - M;
    const discord = new FakeDiscord({ now: () => now });
    // First life: the post reaches Discord, then the process dies before recording it.
    const dies: PostFn = async (schedule, run) => {
      await discord.post(schedule, run);
      return new Promise(() => {});
    };
    const first = await openStore(url, silent);
    const firstClock = new ManualClock(now);
    new Scheduler({ store: first, clock: firstClock, log: silent, post: dies }).add(s);
    now = T;
    await firstClock.advanceTo(T);
    await until(() => discord.messages.length === 1, 'the first post');
    // What the crash leaves on disk: the run marked as being posted, not as done.
    expect(await getSchedule(first, 'g1', s.id)).toMatchObject({ nextRunAt: T, pendingRun: { runAt: T, nonce: runNonce('g1', s.id, T) } });
    await first.close();

    // Second life, three minutes later, on the same file.
    now = T + 3 * M;
    const { store, results, scheduler } = await boot(now, discord.post);
    await until(() => results.length === 1, 'the re-post');
    await scheduler.idle();
    const nonce = runNonce('g1', s.id, T);
    expect(discord.calls.map((c) => c.nonce)).toEqual([nonce, nonce]);
    expect(discord.messages).toHaveLength(1);
    const stored = await getSchedule(store, 'g1', s.id);
    expect(stored).toMatchObject({ nextRunAt: T + D, lastResult: { ok: true, messageId: discord.messages[0]!.id, runAt: T } });
    expect(stored?.pendingRun).toBeUndefined();
  });

  it('records a run left pending by a crash as unconfirmed when the restart is past the grace period', async () => {
    const s = await createOnDisk();
    const seed = await openStore(url, silent);
    await seed.update<Record<string, Schedule>>('schedules:g1', (map) => ({ ...map, [s.id]: { ...s, pendingRun: { runAt: T, nonce: runNonce('g1', s.id, T) } } }));
    await seed.close();
    const discord = new FakeDiscord({ now: () => T + 30 * M });
    const { store, results, scheduler } = await boot(T + 30 * M, discord.post);
    await until(() => results.length === 1, 'the skip');
    await scheduler.idle();
    expect(discord.calls).toHaveLength(0);
    const stored = await getSchedule(store, 'g1', s.id);
    expect(stored?.lastResult?.message).toMatch(/^not confirmed: the bot stopped while posting the run of 2025-06-02 09:00/);
    expect(stored).toMatchObject({ nextRunAt: T + D });
    expect(stored?.pendingRun).toBeUndefined();
  });
});
