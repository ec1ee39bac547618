import { randomInt } from 'node:crypto';
import type { Store } from '../storage/store.js';
import {
  MAX_SCHEDULES_PER_GUILD,
  SCHEDULES_PREFIX,
  schedulesKey,
  type Repeat,
  type Schedule,
  type ScheduleMap,
} from './types.js';
import { anchorRepeat, nextRunAfter } from './when.js';
import { isValidTimeZone } from './zoned.js';

// No i, l, o, 0 or 1: ids are read off a screen and typed back.
const ID_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

function newId(taken: ScheduleMap): string {
  for (;;) {
    let id = '';
    for (let i = 0; i < 4; i++) id += ID_ALPHABET[randomInt(ID_ALPHABET.length)];
    if (!taken[id]) return id;
  }
}

export interface NewSchedule {
  guildId: string;
  channelId: string;
  article: string;
  promptId: string | null;
  /** As parseRepeat returns it. */
  repeat: Repeat;
  timeZone: string;
  /** From parseWhen. Optional for cron repeats, which then start at their next match. */
  firstRunAt?: number;
  createdBy: string;
}

/**
 * One-offs that have run stay listed with their result, but give way, oldest
 * first, when they would keep a new schedule under the limit.
 */
function pruneDone(map: ScheduleMap): ScheduleMap {
  const done = Object.values(map)
    .filter((s) => s.nextRunAt === null)
    .sort((a, b) => a.createdAt - b.createdAt);
  const excess = Object.keys(map).length - (MAX_SCHEDULES_PER_GUILD - 1);
  if (excess <= 0 || done.length === 0) return map;
  const drop = new Set(done.slice(0, excess).map((s) => s.id));
  return Object.fromEntries(Object.entries(map).filter(([id]) => !drop.has(id)));
}

export type CreateResult =
  | { kind: 'created'; schedule: Schedule }
  | { kind: 'limit-reached'; limit: number }
  | { kind: 'unknown-time-zone'; timeZone: string }
  /** No firstRunAt, and a repeat that cannot supply one. */
  | { kind: 'no-first-run' };

export async function createSchedule(store: Store, input: NewSchedule, now: number): Promise<CreateResult> {
  if (!isValidTimeZone(input.timeZone)) return { kind: 'unknown-time-zone', timeZone: input.timeZone };
  const firstRunAt = input.firstRunAt ?? (input.repeat.kind === 'cron' ? nextRunAfter(input, now) : null);
  if (firstRunAt === null) return { kind: 'no-first-run' };
  let result: CreateResult = { kind: 'limit-reached', limit: MAX_SCHEDULES_PER_GUILD };
  await store.update<ScheduleMap>(schedulesKey(input.guildId), (stored = {}) => {
    const current = pruneDone(stored);
    if (Object.keys(current).length >= MAX_SCHEDULES_PER_GUILD) return stored; // left as it was
    const schedule: Schedule = {
      id: newId(current),
      guildId: input.guildId,
      channelId: input.channelId,
      article: input.article,
      promptId: input.promptId,
      repeat: anchorRepeat(input.repeat, firstRunAt, input.timeZone),
      timeZone: input.timeZone,
      nextRunAt: firstRunAt,
      createdBy: input.createdBy,
      createdAt: now,
      paused: false,
    };
    result = { kind: 'created', schedule };
    return { ...current, [schedule.id]: schedule };
  });
  return result;
}

/** The guild's schedules, soonest first; inactive ones last. */
export async function listSchedules(store: Store, guildId: string): Promise<Schedule[]> {
  const map = (await store.get<ScheduleMap>(schedulesKey(guildId))) ?? {};
  const order = (s: Schedule) => (s.paused || s.nextRunAt === null ? Infinity : s.nextRunAt);
  return Object.values(map).sort((a, b) => order(a) - order(b) || a.createdAt - b.createdAt);
}

export async function getSchedule(store: Store, guildId: string, id: string): Promise<Schedule | undefined> {
  return (await store.get<ScheduleMap>(schedulesKey(guildId)))?.[normaliseId(id)];
}

/** Every guild's schedules (used by Scheduler.start). */
export async function loadAllSchedules(store: Store): Promise<Schedule[]> {
  const rows = await store.scan<ScheduleMap>(SCHEDULES_PREFIX);
  return rows.flatMap(([, map]) => Object.values(map));
}

const normaliseId = (id: string) => id.trim().toLowerCase();

/**
 * Changes one schedule under the guild's lock. `change` returns the new record,
 * or null to delete it. Resolves to the stored record (undefined if deleted or
 * missing: `change` is not called for a missing schedule).
 */
export async function updateSchedule(
  store: Store,
  guildId: string,
  id: string,
  change: (current: Schedule) => Schedule | null,
): Promise<Schedule | undefined> {
  const key = normaliseId(id);
  const map = await store.update<ScheduleMap>(schedulesKey(guildId), (current) => {
    const existing = current?.[key];
    if (!current || !existing) return current;
    const next = change(existing);
    const { [key]: _removed, ...rest } = current;
    const result = next ? { ...rest, [key]: next } : rest;
    return Object.keys(result).length ? result : undefined;
  });
  return map?.[key];
}

export type NotFound = { kind: 'not-found' };
export type CancelResult = { kind: 'cancelled'; schedule: Schedule } | NotFound;
export type PauseResult = { kind: 'paused'; schedule: Schedule } | { kind: 'already-paused'; schedule: Schedule } | NotFound;
export type ResumeResult =
  | { kind: 'resumed'; schedule: Schedule }
  | { kind: 'not-paused'; schedule: Schedule }
  /** A paused one-off whose time went by during the pause; `at` is when it was due. */
  | { kind: 'one-off-passed'; schedule: Schedule; at: number | undefined }
  | NotFound;

/**
 * Decides under the guild's lock what happens to one schedule: `decide` returns
 * the record to store (null deletes it; the record itself leaves it as it was)
 * and the outcome to report. A missing schedule is `not-found`.
 */
async function decide<R>(store: Store, guildId: string, id: string, choose: (current: Schedule) => [Schedule | null, R]): Promise<R | NotFound> {
  let outcome: R | NotFound = { kind: 'not-found' };
  await updateSchedule(store, guildId, id, (current) => {
    const [next, result] = choose(current);
    outcome = result;
    return next;
  });
  return outcome;
}

/** Removes a schedule; the result holds it as it was. */
export function cancelSchedule(store: Store, guildId: string, id: string): Promise<CancelResult> {
  return decide(store, guildId, id, (s): [null, CancelResult] => [null, { kind: 'cancelled', schedule: s }]);
}

export function pauseSchedule(store: Store, guildId: string, id: string): Promise<PauseResult> {
  return decide(store, guildId, id, (s): [Schedule, PauseResult] => {
    if (s.paused) return [s, { kind: 'already-paused', schedule: s }];
    const paused = { ...s, paused: true };
    return [paused, { kind: 'paused', schedule: paused }];
  });
}

/** Resumes; a next run that fell into the pause is recomputed from now. */
export function resumeSchedule(store: Store, guildId: string, id: string, now: number): Promise<ResumeResult> {
  return decide(store, guildId, id, (s): [Schedule, ResumeResult] => {
    if (!s.paused) return [s, { kind: 'not-paused', schedule: s }];
    let nextRunAt = s.nextRunAt;
    if (nextRunAt === null || nextRunAt <= now) {
      nextRunAt = nextRunAfter(s, now);
      if (nextRunAt === null) return [s, { kind: 'one-off-passed', schedule: s, at: s.nextRunAt ?? s.lastResult?.runAt }];
    }
    // A pendingRun left from before the pause (a crash mid-post) is not re-posted now.
    const resumed = { ...s, paused: false, nextRunAt, pendingRun: undefined };
    return [resumed, { kind: 'resumed', schedule: resumed }];
  });
}
