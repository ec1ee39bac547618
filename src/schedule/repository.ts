import { randomInt } from 'node:crypto';
import { UserError } from '../errors.js';
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
import { formatInZone, isValidTimeZone } from './zoned.js';

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

export async function createSchedule(store: Store, input: NewSchedule, now: number): Promise<Schedule> {
  if (!isValidTimeZone(input.timeZone)) throw new UserError(`"${input.timeZone}" is not a time zone I know. Use an IANA name such as Europe/Berlin.`);
  const firstRunAt = input.firstRunAt ?? (input.repeat.kind === 'cron' ? nextRunAfter(input, now) : null);
  if (firstRunAt === null) throw new UserError('Give a time for the first post (for example 18:30 or in 2h).');
  let created: Schedule | undefined;
  await store.update<ScheduleMap>(schedulesKey(input.guildId), (stored = {}) => {
    const current = pruneDone(stored);
    if (Object.keys(current).length >= MAX_SCHEDULES_PER_GUILD) {
      throw new UserError(`This server already has ${MAX_SCHEDULES_PER_GUILD} schedules; cancel one with /prompt cancel first.`);
    }
    created = {
      id: newId(current),
      guildId: input.guildId,
      channelId: input.channelId,
      promptId: input.promptId,
      repeat: anchorRepeat(input.repeat, firstRunAt, input.timeZone),
      timeZone: input.timeZone,
      nextRunAt: firstRunAt,
      createdBy: input.createdBy,
      createdAt: now,
      paused: false,
    };
    return { ...current, [created.id]: created };
  });
  return created!;
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

/** Like updateSchedule, but a missing id is the user's mistake. Resolves to the record before and after. */
async function changeOrFail(store: Store, guildId: string, id: string, change: (s: Schedule) => Schedule | null) {
  let before: Schedule | undefined;
  let after: Schedule | null = null;
  await updateSchedule(store, guildId, id, (current) => {
    before = current;
    after = change(current);
    return after;
  });
  if (!before) throw new UserError(`There is no schedule "${id.trim()}" in this server. /prompt list shows the ids.`);
  return { before: before as Schedule, after: after as Schedule | null };
}

/** Removes a schedule and returns it as it was. */
export async function cancelSchedule(store: Store, guildId: string, id: string): Promise<Schedule> {
  return (await changeOrFail(store, guildId, id, () => null)).before;
}

export async function pauseSchedule(store: Store, guildId: string, id: string): Promise<Schedule> {
  const { after } = await changeOrFail(store, guildId, id, (s) => {
    if (s.paused) throw new UserError(`Schedule ${s.id} is already paused.`);
    return { ...s, paused: true };
  });
  return after!;
}

/** Resumes; a next run that fell into the pause is recomputed from now. */
export async function resumeSchedule(store: Store, guildId: string, id: string, now: number): Promise<Schedule> {
  const { after } = await changeOrFail(store, guildId, id, (s) => {
    if (!s.paused) throw new UserError(`Schedule ${s.id} is not paused.`);
    let nextRunAt = s.nextRunAt;
    if (nextRunAt === null || nextRunAt <= now) {
      nextRunAt = nextRunAfter(s, now);
      if (nextRunAt === null) {
        const when = s.nextRunAt ?? s.lastResult?.runAt;
        throw new UserError(
          `Schedule ${s.id} was a one-off${when ? ` for ${formatInZone(when, s.timeZone)}` : ''}, which has passed. Cancel it and create a new one.`,
        );
      }
    }
    // A pendingRun left from before the pause (a crash mid-post) is not re-posted now.
    return { ...s, paused: false, nextRunAt, pendingRun: undefined };
  });
  return after!;
}
