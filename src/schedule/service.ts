import { systemClock, type Clock } from '../clock.js';
import type { Store } from '../storage/store.js';
import {
  cancelSchedule,
  createSchedule,
  listSchedules,
  pauseSchedule,
  resumeSchedule,
  type CancelResult,
  type CreateResult,
  type NewSchedule,
  type PauseResult,
  type ResumeResult,
} from './repository.js';
import { Scheduler, type SchedulerOptions } from './scheduler.js';
import { DEFAULT_TIME_ZONE, getGuildTimeZone, setGuildTimeZone, type SetTimeZoneResult } from './settings.js';
import { isActive, type Schedule } from './types.js';

export type { CancelResult, CreateResult, NewSchedule, PauseResult, ResumeResult } from './repository.js';
export type { SetTimeZoneResult } from './settings.js';

export interface ScheduleServiceOptions extends SchedulerOptions {
  /** The time zone of a server that has not set its own (DEFAULT_TIMEZONE). */
  defaultTimeZone?: string;
}

/**
 * The one way to change schedules. Each change is stored and handed to the
 * scheduler that posts them in one call, so a stored schedule and its timer
 * never disagree. Refusals come back as results for the caller to word.
 */
export class ScheduleService {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #scheduler: Scheduler;
  readonly #defaultTimeZone: string;

  constructor({ defaultTimeZone = DEFAULT_TIME_ZONE, ...options }: ScheduleServiceOptions) {
    this.#store = options.store;
    this.#clock = options.clock ?? systemClock;
    this.#scheduler = new Scheduler(options);
    this.#defaultTimeZone = defaultTimeZone;
  }

  /** Arms every stored schedule; runs missed while the bot was down are handled right away. */
  start(): Promise<void> {
    return this.#scheduler.start();
  }

  /** Stops posting: clears timers and waits for posts in flight. */
  stop(): Promise<void> {
    return this.#scheduler.stop();
  }

  /**
   * The bot left the server: its schedules stop at once (timers disarmed,
   * retries of a run being posted ended) and stay stored, not armed, until
   * resumeGuild. Works before start() too. Returns how many timers were disarmed.
   */
  suspendGuild(guildId: string): number {
    return this.#scheduler.suspendGuild(guildId);
  }

  /**
   * The server is back: its stored schedules are armed again. A run that came
   * due meanwhile is handled as after a restart: posted if at most the grace
   * late, else recorded as skipped. Resolves to how many are active.
   */
  async resumeGuild(guildId: string): Promise<number> {
    this.#scheduler.resumeGuild(guildId);
    const schedules = await listSchedules(this.#store, guildId);
    for (const schedule of schedules) this.#scheduler.add(schedule);
    return schedules.filter(isActive).length;
  }

  isSuspended(guildId: string): boolean {
    return this.#scheduler.isSuspended(guildId);
  }

  /** Resolves when no run is being posted. */
  idle(): Promise<void> {
    return this.#scheduler.idle();
  }

  /** The server's schedules, soonest first; inactive ones last. */
  list(guildId: string): Promise<Schedule[]> {
    return listSchedules(this.#store, guildId);
  }

  /** The time zone new schedules of the server use when none is given. */
  timeZone(guildId: string): Promise<string> {
    return getGuildTimeZone(this.#store, guildId, this.#defaultTimeZone);
  }

  setTimeZone(guildId: string, timeZone: string): Promise<SetTimeZoneResult> {
    return setGuildTimeZone(this.#store, guildId, timeZone);
  }

  async create(input: NewSchedule): Promise<CreateResult> {
    const result = await createSchedule(this.#store, input, this.#clock.now());
    if (result.kind === 'created') this.#scheduler.add(result.schedule);
    return result;
  }

  async cancel(guildId: string, id: string): Promise<CancelResult> {
    const result = await cancelSchedule(this.#store, guildId, id);
    if (result.kind === 'cancelled') this.#scheduler.remove(result.schedule);
    return result;
  }

  async pause(guildId: string, id: string): Promise<PauseResult> {
    const result = await pauseSchedule(this.#store, guildId, id);
    if (result.kind === 'paused') this.#scheduler.refresh(result.schedule);
    return result;
  }

  /** A next run that fell into the pause is moved to the first one after now. */
  async resume(guildId: string, id: string): Promise<ResumeResult> {
    const result = await resumeSchedule(this.#store, guildId, id, this.#clock.now());
    if (result.kind === 'resumed') this.#scheduler.refresh(result.schedule);
    return result;
  }
}
