import { Cron } from 'croner';
import type { Repeat, Schedule } from './types.js';
import { instantOfWallTime, wallTimeAt } from './zoned.js';

export { isValidTimeZone, canonicalTimeZone } from './zoned.js';

/** One-off times further ahead than this are refused (also keeps Date arithmetic sane). */
export const MAX_AHEAD_MS = 366 * 86_400_000;

const MINUTE = 60_000;
const UNIT_MS: Record<string, number> = { d: 1440 * MINUTE, h: 60 * MINUTE, m: MINUTE };

export type WhenResult =
  | { kind: 'ok'; at: number }
  | { kind: 'unreadable' }
  | { kind: 'passed'; at: number }
  | { kind: 'too-far'; at: number };

/**
 * Reads when a prompt should be posted: a time of day, a date and time, or a
 * delay. Local times are read in `timeZone`; see instantOfWallTime for times
 * skipped or repeated by a DST change.
 */
export function parseWhen(input: string, opts: { timeZone: string; now: number }): WhenResult {
  const text = input.trim().toLowerCase();
  const at = relative(text, opts.now) ?? timeOfDay(text, opts) ?? isoDateTime(text, opts.timeZone);
  if (at === null) return { kind: 'unreadable' };
  if (at <= opts.now) return { kind: 'passed', at };
  if (at - opts.now > MAX_AHEAD_MS) return { kind: 'too-far', at };
  return { kind: 'ok', at };
}

function relative(text: string, now: number): number | null {
  const match = /^in\s+((?:\d+\s*[dhm]\s*)+)$/.exec(text);
  if (!match?.[1]) return null;
  let total = 0;
  const seen = new Set<string>();
  for (const [, count, unit] of match[1].matchAll(/(\d+)\s*([dhm])/g)) {
    if (seen.has(unit!)) return null;
    seen.add(unit!);
    total += Math.min(Number(count), 1e6) * UNIT_MS[unit!]!;
  }
  return now + total;
}

function timeOfDay(text: string, opts: { timeZone: string; now: number }): number | null {
  const match = /^(\d{1,2}):(\d{2})$/.exec(text);
  if (!match) return null;
  const hour = Number(match[1]);
  const minute = Number(match[2]);
  if (hour > 23 || minute > 59) return null;
  // croner finds the next occurrence with the same DST rules the repeats use.
  const next = new Cron(`${minute} ${hour} * * *`, { timezone: opts.timeZone, mode: '5-part' }).nextRun(new Date(opts.now));
  return next ? next.getTime() : null;
}

function isoDateTime(text: string, timeZone: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})[t ](\d{2}):(\d{2})(?::(\d{2}))?(z|[+-]\d{2}:?\d{2})?$/.exec(text);
  if (!match) return null;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map((v) => Number(v ?? 0)) as [number, number, number, number, number, number];
  const wall = { year, month, day, hour, minute, second };
  const asUtc = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(asUtc);
  // Date.UTC rolls 2025-02-30 over to March; refuse instead.
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) return null;
  const offset = match[7];
  if (!offset) return instantOfWallTime(wall, timeZone);
  if (offset === 'z') return asUtc;
  const sign = offset.startsWith('-') ? -1 : 1;
  const digits = offset.slice(1).replace(':', '');
  const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2));
  return asUtc - sign * minutes * MINUTE;
}

export type RepeatResult =
  | { kind: 'ok'; repeat: Repeat }
  /** Six or seven fields: seconds or years, which croner reads but schedules do not take. */
  | { kind: 'extra-fields'; text: string; fields: number }
  | { kind: 'unknown'; text: string }
  | { kind: 'invalid-cron'; text: string; reason: string }
  | { kind: 'never-matches'; text: string };

/** Reads a repeat option: none, daily, weekly or a 5-field cron expression. */
export function parseRepeat(input: string): RepeatResult {
  const text = input.trim().replace(/\s+/g, ' ');
  const lower = text.toLowerCase();
  if (lower === '' || lower === 'none' || lower === 'once') return { kind: 'ok', repeat: { kind: 'none' } };
  if (lower === 'daily' || lower === 'weekly') return { kind: 'ok', repeat: { kind: lower } };
  const fields = text.split(' ').length;
  if (fields === 6 || fields === 7) return { kind: 'extra-fields', text, fields };
  if (fields !== 5) return { kind: 'unknown', text };
  let cron: Cron;
  try {
    cron = new Cron(text, { mode: '5-part' });
  } catch (error) {
    return { kind: 'invalid-cron', text, reason: (error as Error).message.replace(/^CronPattern: /, '') };
  }
  if (!cron.nextRun()) return { kind: 'never-matches', text };
  return { kind: 'ok', repeat: { kind: 'cron', cron: text } };
}

/**
 * Pins daily and weekly repeats to the first run's local wall time, as a cron
 * expression stored with the schedule, so DST changes do not move them.
 */
export function anchorRepeat(repeat: Repeat, firstRunAt: number, timeZone: string): Repeat {
  if (repeat.kind !== 'daily' && repeat.kind !== 'weekly') return repeat;
  const w = wallTimeAt(firstRunAt, timeZone);
  return { kind: repeat.kind, cron: `${w.minute} ${w.hour} * * ${repeat.kind === 'daily' ? '*' : w.weekday}` };
}

/** The first run strictly after afterMs, or null for one-offs. */
export function nextRunAfter(schedule: Pick<Schedule, 'repeat' | 'timeZone'>, afterMs: number): number | null {
  const { repeat, timeZone } = schedule;
  if (repeat.kind === 'none') return null;
  if (!repeat.cron) throw new Error(`a ${repeat.kind} repeat needs its cron expression; build it with anchorRepeat`);
  return new Cron(repeat.cron, { timezone: timeZone, mode: '5-part' }).nextRun(new Date(afterMs))?.getTime() ?? null;
}
