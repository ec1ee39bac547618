import type { Clock, TimerHandle } from '../clock.js';
import { KeyedLock } from '../storage/lock.js';
import type { Logger } from '../logger.js';
import type { QuizRunner } from '../quiz/runner.js';
import type { Standings } from '../quiz/standings.js';
import type { ScheduleService } from '../schedule/service.js';
import type { Store } from '../storage/store.js';
import { clearDeparture, getDeparture, isExpired, listDepartures, recordDeparture, type Departure } from './departures.js';
import { deleteGuildData, guildsWithSettings } from './keys.js';

export const SWEEP_EVERY_MS = 60 * 60_000;

export interface GuildRetentionOptions {
  store: Store;
  clock: Clock;
  log: Logger;
  schedules: ScheduleService;
  standings: Standings;
  quiz: QuizRunner;
  /** DATA_RETENTION_DAYS in milliseconds: how long a server's data outlives the bot's removal. */
  retentionMs: number;
  sweepEveryMs?: number;
}

export type ReturnResult =
  /** Departure record removed, schedules armed again. */
  | { kind: 'restored'; awayMs: number; activeSchedules: number }
  /** Back after the retention: its data was deleted (now, if the sweep had not yet). */
  | { kind: 'expired'; awayMs: number }
  /** No departure on record: a new server, or one whose data is already gone. */
  | { kind: 'new' };

/** Where a server stands according to the gateway's READY (see the ready event). */
export type Presence = 'member' | 'absent' | 'unknown';

/**
 * What happens to a server's data when the bot leaves it: schedules stop at
 * once, the data is kept for the retention time and deleted after it, and a
 * return within it brings everything back. Work on one server runs one step
 * at a time, so a return cannot interleave with the sweep deleting it.
 */
export class GuildRetention {
  readonly #o: Required<GuildRetentionOptions>;
  /** Steps on one server run one after another, never interleaved. */
  readonly #steps = new KeyedLock();
  #timer: TimerHandle | undefined;
  #sweeping: Promise<void> | undefined;
  #sweepAgain = false;
  #stopped = false;

  constructor(options: GuildRetentionOptions) {
    this.#o = { sweepEveryMs: SWEEP_EVERY_MS, ...options };
  }

  /**
   * The bot was removed from the server. Its schedules and rounds stop before
   * anything is awaited; then the departure is stored and, with a retention
   * of 0, the data deleted.
   */
  async left(guildId: string): Promise<{ disarmed: number; departure: Departure }> {
    const disarmed = this.#o.schedules.suspendGuild(guildId);
    const endedRounds = this.#o.quiz.endGuild(guildId);
    this.#o.standings.forget(guildId);
    return this.#steps.run(guildId, async () => {
      const departure = await recordDeparture(this.#o.store, guildId, this.#o.clock.now());
      this.#o.log.info({ guildId, disarmed, endedRounds, keptDays: this.#o.retentionMs / 86_400_000 }, 'left a server: its schedules are stopped and its data kept');
      if (this.#o.retentionMs === 0) await this.#purge(guildId);
      return { disarmed, departure };
    });
  }

  /** The bot was added to the server (again). */
  returned(guildId: string): Promise<ReturnResult> {
    return this.#steps.run(guildId, async (): Promise<ReturnResult> => {
      const { store, clock, schedules, log, retentionMs } = this.#o;
      const departure = await getDeparture(store, guildId);
      const now = clock.now();
      if (departure && isExpired(departure, now, retentionMs)) {
        await this.#purge(guildId);
        await schedules.resumeGuild(guildId);
        return { kind: 'expired', awayMs: now - departure.at };
      }
      if (departure) await clearDeparture(store, guildId);
      // Also without a record: a suspension whose record could not be written is lifted.
      const activeSchedules = departure || schedules.isSuspended(guildId) ? await schedules.resumeGuild(guildId) : 0;
      if (!departure) return { kind: 'new' };
      log.info({ guildId, awayMs: now - departure.at, activeSchedules }, 'back in a server: its data and schedules are restored');
      return { kind: 'restored', awayMs: now - departure.at, activeSchedules };
    });
  }

  /**
   * At start, before the schedules are armed: servers the bot keeps data for
   * that READY says it is not in are treated as left (at this time, since when
   * they were left is unknown); departed servers it is in again are restored;
   * the schedules of the others that stay departed are kept suspended.
   * 'unknown' servers (not this process's to judge) are left as they are.
   */
  async reconcile(presence: (guildId: string) => Presence): Promise<{ left: string[]; restored: string[] }> {
    const departed = await listDepartures(this.#o.store);
    const known = new Set(departed.map((d) => d.guildId));
    const restored: string[] = [];
    for (const d of departed) {
      if (presence(d.guildId) === 'member') {
        if ((await this.returned(d.guildId)).kind === 'restored') restored.push(d.guildId);
      } else {
        this.#o.schedules.suspendGuild(d.guildId);
      }
    }
    const left: string[] = [];
    for (const guildId of await guildsWithSettings(this.#o.store)) {
      if (known.has(guildId) || presence(guildId) !== 'absent') continue;
      await this.left(guildId);
      left.push(guildId);
    }
    if (left.length) this.#o.log.warn({ guildIds: left }, 'servers with stored data are not in the guild list: treated as left while the bot was down');
    return { left, restored };
  }

  /** Sweeps now, then every sweepEveryMs on the clock. */
  async start(): Promise<void> {
    this.#stopped = false;
    this.#arm();
    await this.sweep();
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer) this.#o.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Resolves when no sweep and no server's step is running. */
  async idle(): Promise<void> {
    while (this.#sweeping || this.#steps.size) await Promise.allSettled([this.#sweeping, this.#steps.drain()]);
  }

  /**
   * Deletes the data of every server left longer ago than the retention.
   * A sweep asked for while one runs runs once more after it, with the time then.
   */
  sweep(): Promise<void> {
    if (this.#sweeping) {
      this.#sweepAgain = true;
      return this.#sweeping;
    }
    this.#sweeping = (async () => {
      try {
        do {
          this.#sweepAgain = false;
          await this.#sweepOnce();
        } while (this.#sweepAgain && !this.#stopped);
      } finally {
        this.#sweeping = undefined;
      }
    })();
    return this.#sweeping;
  }

  async #sweepOnce(): Promise<void> {
    const { store, clock, retentionMs, log } = this.#o;
    try {
      for (const d of await listDepartures(store)) {
        if (this.#stopped) return;
        if (isExpired(d, clock.now(), retentionMs)) await this.#steps.run(d.guildId, () => this.#purge(d.guildId));
      }
    } catch (error) {
      log.error({ err: error }, 'retention sweep failed; trying again at the next one');
    }
  }

  /** Deletes the server's data, then its departure record (last, so an interrupted purge is redone). */
  async #purge(guildId: string): Promise<void> {
    const { store, clock, retentionMs, standings, log } = this.#o;
    const departure = await getDeparture(store, guildId);
    // Re-read under the server's turn: it may have come back since the sweep listed it.
    if (!departure || !isExpired(departure, clock.now(), retentionMs)) return;
    const deleted = await deleteGuildData(store, guildId);
    standings.forget(guildId);
    await clearDeparture(store, guildId);
    log.info({ guildId, deleted, leftAt: new Date(departure.at).toISOString() }, 'deleted the data of a server left longer than the retention');
  }

  #arm(): void {
    if (this.#stopped) return;
    // Armed before the sweep runs, so the cadence does not drift with the sweep's length.
    this.#timer = this.#o.clock.setTimeout(() => {
      this.#arm();
      void this.sweep();
    }, this.#o.sweepEveryMs);
  }
}
