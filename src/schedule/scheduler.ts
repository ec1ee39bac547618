import type { Logger } from 'pino';
import type { Store } from '../storage/store.js';
import { MAX_TIMEOUT_MS, systemClock, type Clock, type TimerHandle } from '../clock.js';
import { runNonce } from './post-outcome.js';
import { getSchedule, loadAllSchedules } from './repository.js';
import { postWithRetry, Sleeper } from './retry.js';
import { currentRunAt, markPending, recordOutcome, skipMessage } from './runs.js';
import { isActive, type PostFn, type RunResult, type Schedule } from './types.js';
import { formatDuration } from './zoned.js';

export type { PostFn, RunInfo, RunResult } from './types.js';

export interface SchedulerOptions {
  store: Store;
  log: Logger;
  post: PostFn;
  clock?: Clock;
  /** A run found due at most this late is still posted (default 10 minutes). */
  graceMs?: number;
  /** For transient failures: total attempts (default 4) and first backoff, doubled each time (default 2 s). */
  retry?: { attempts: number; baseMs: number };
  /** Called after each run is recorded; the schedule is as stored then. */
  onResult?: (schedule: Schedule, result: RunResult) => void;
  /**
   * Whether this process runs the server's schedules: in a sharded fleet, the
   * process of the shard that owns the server, so no run is armed twice
   * (default: every server).
   */
  owns?: (guildId: string) => boolean;
}

const RECHECK_AFTER_ERROR_MS = 60_000;
const keyOf = (s: Pick<Schedule, 'guildId' | 'id'>) => `${s.guildId}/${s.id}`;

/** Posts scheduled prompts on time, at most once per run, across restarts. */
export class Scheduler {
  readonly #o: Required<Omit<SchedulerOptions, 'onResult'>> & Pick<SchedulerOptions, 'onResult'>;
  readonly #timers = new Map<string, TimerHandle>();
  readonly #running = new Map<string, Promise<void>>();
  /** Servers the bot is not in: their schedules stay stored but are not armed or posted. */
  readonly #suspended = new Set<string>();
  readonly #sleeper: Sleeper;
  #stopped = false;

  constructor(options: SchedulerOptions) {
    this.#o = { clock: systemClock, graceMs: 10 * 60_000, retry: { attempts: 4, baseMs: 2000 }, owns: () => true, ...options };
    this.#sleeper = new Sleeper(this.#o.clock);
  }

  /** Arms a timer for every active schedule; missed runs are handled right away. */
  async start(): Promise<void> {
    for (const schedule of await loadAllSchedules(this.#o.store)) if (this.#o.owns(schedule.guildId)) this.add(schedule);
  }

  add(schedule: Schedule): void {
    this.#arm(schedule);
  }

  /** After a command changed the schedule (pause, resume...). */
  refresh(schedule: Schedule): void {
    this.#arm(schedule);
  }

  remove(schedule: Pick<Schedule, 'guildId' | 'id'>): void {
    this.#disarm(keyOf(schedule));
  }

  /**
   * Stops a server's schedules at once: disarms their timers and ends the
   * retry waits of runs being posted (such a run stays pending, as after a
   * stop, and follows the grace rules when the server comes back). Until
   * resumeGuild, nothing of the server is armed or posted. Returns how many
   * timers were disarmed.
   */
  suspendGuild(guildId: string): number {
    this.#suspended.add(guildId);
    let disarmed = 0;
    for (const key of [...this.#timers.keys()]) {
      if (!key.startsWith(`${guildId}/`)) continue;
      this.#disarm(key);
      disarmed++;
    }
    this.#sleeper.cancel(guildId);
    return disarmed;
  }

  /** Lets the server's schedules be armed again; the caller adds them. */
  resumeGuild(guildId: string): void {
    this.#suspended.delete(guildId);
  }

  isSuspended(guildId: string): boolean {
    return this.#suspended.has(guildId);
  }

  /** Clears every timer, cuts retry waits short and waits for posts in flight. */
  async stop(): Promise<void> {
    this.#stopped = true;
    for (const key of [...this.#timers.keys()]) this.#disarm(key);
    this.#sleeper.cancelAll();
    await this.idle();
  }

  /** Resolves when no run is in progress. */
  async idle(): Promise<void> {
    while (this.#running.size) await Promise.allSettled([...this.#running.values()]);
  }

  get armedTimers(): number {
    return this.#timers.size;
  }

  #disarm(key: string): void {
    const handle = this.#timers.get(key);
    if (handle) this.#o.clock.clearTimeout(handle);
    this.#timers.delete(key);
  }

  #arm(schedule: Schedule, at: number | null = schedule.nextRunAt): void {
    const key = keyOf(schedule);
    this.#disarm(key);
    // A run in progress re-arms from the stored record when it ends.
    if (this.#stopped || this.#suspended.has(schedule.guildId) || at === null || !isActive(schedule) || this.#running.has(key)) return;
    const { clock } = this.#o;
    // Longer delays than setTimeout allows are chained.
    const delay = Math.min(Math.max(0, at - clock.now()), MAX_TIMEOUT_MS);
    const handle = clock.setTimeout(() => {
      this.#timers.delete(key);
      if (clock.now() < at) this.#arm(schedule, at);
      else this.#fire(schedule);
    }, delay);
    this.#timers.set(key, handle);
  }

  #fire(schedule: Schedule): void {
    const key = keyOf(schedule);
    if (this.#stopped || this.#suspended.has(schedule.guildId) || this.#running.has(key)) return;
    const run = this.#runOnce(schedule.guildId, schedule.id).then(
      (latest) => {
        this.#running.delete(key);
        if (latest) this.#arm(latest);
      },
      (error: unknown) => {
        this.#running.delete(key);
        this.#o.log.error({ err: error, scheduleId: schedule.id, guildId: schedule.guildId }, 'scheduled run failed; checking again in a minute');
        this.#arm(schedule, this.#o.clock.now() + RECHECK_AFTER_ERROR_MS);
      },
    );
    this.#running.set(key, run);
  }

  /** Runs the schedule's due run, if it still has one; resolves to the stored record afterwards. */
  async #runOnce(guildId: string, id: string): Promise<Schedule | undefined> {
    const { store, clock, graceMs, log } = this.#o;
    const s = await getSchedule(store, guildId, id);
    if (!s || !isActive(s) || this.#stopped || this.#suspended.has(guildId)) return s;
    const now = clock.now();
    const runAt = currentRunAt(s)!;
    if (!s.pendingRun && runAt > now) return s; // moved by a command since the timer was set
    const context = { scheduleId: id, guildId, runAt };
    if (now - runAt > graceMs) {
      const message = skipMessage(s, runAt, now - runAt);
      log.warn({ ...context, lateMs: now - runAt, late: formatDuration(now - runAt) }, 'skipped a scheduled prompt that was too late');
      const latest = await recordOutcome(store, s, { at: now, ok: false, message, runAt }, now);
      this.#report(latest ?? s, { status: 'skipped', runAt, lateMs: now - runAt, message });
      return latest;
    }
    // A run left pending by a crash is re-posted with its recorded nonce.
    const run = s.pendingRun ?? { runAt, nonce: runNonce(guildId, id, runAt) };
    if (!s.pendingRun) {
      const marked = await markPending(store, s, run);
      if (marked?.pendingRun?.nonce !== run.nonce) return marked;
    }
    // Stopped, or the server was left: pendingRun stays for the next start or the server's return
    // (the stored record is returned so that a server back by then is armed again at once).
    const halted = () => this.#stopped || this.#suspended.has(guildId);
    if (halted()) return getSchedule(store, guildId, id);
    const outcome = await postWithRetry({ ...this.#o, sleeper: this.#sleeper, halted }, s, run);
    if (outcome.status === 'stopped') return getSchedule(store, guildId, id);
    const at = clock.now();
    const latest = await recordOutcome(
      store,
      s,
      outcome.status === 'posted'
        ? { at, ok: true, message: `posted in <#${s.channelId}>`, runAt, messageId: outcome.messageId }
        : { at, ok: false, message: outcome.message, runAt },
      Math.max(at, runAt),
    );
    if (outcome.status === 'posted') log.info({ ...context, messageId: outcome.messageId }, 'posted scheduled prompt');
    else log.warn({ ...context, reason: outcome.message }, 'scheduled prompt not posted');
    this.#report(latest ?? s, outcome);
    return latest;
  }

  #report(schedule: Schedule, result: RunResult): void {
    try {
      this.#o.onResult?.(schedule, result);
    } catch (error) {
      this.#o.log.error({ err: error }, 'onResult hook threw');
    }
  }
}
