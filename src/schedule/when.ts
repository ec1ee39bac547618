import { Cron } from 'croner';
import { UserError } from '../errors.js';
import type { Repeat, Schedule } from './types.js';
import { formatInZone, instantOfWallTime, wallTimeAt } from './zoned.js';

export { isValidTimeZone, canonicalTimeZone } from './zoned.js';

/** One-off times further ahead than this are refused (also keeps Date arithmetic sane). */
export const MAX_AHEAD_MS = 366 * 86_400_000;

const MINUTE = 60_000;
const UNIT_MS: Record<string, number> = { d: 1440 * MINUTE, h: 60 * MINUTE, m: MINUTE };

const accepted = (timeZone: string) =>
  `Use a time of day like 18:30 or 9:05 (${timeZone} time), a date and time like 2025-06-01T18:30 ` +
  `(add Z or +02:00 for a fixed offset), or a delay like in 45m, in 2h, in 1h30m or in 3d.`;

/**
 * Reads when a prompt should be posted. Local times are read in `timeZone`;
 * see instantOfWallTime for times skipped or repeated by a DST change.
 */
export function parseWhen(input: string, opts: { timeZone: string; now: number }): Date {
  const text = input.trim().toLowerCase();
  const at = relative(text, opts.now) ?? timeOfDay(text, opts) ?? isoDateTime(text, opts.timeZone);
  if (at === null) throw new UserError(`I could not read "${input.trim()}" as a time. ${accepted(opts.timeZone)}`);
  if (at <= opts.now) {
    throw new UserError(`That time has already passed (${formatInZone(at, opts.timeZone)}). Give a time in the future.`);
  }
  if (at - opts.now > MAX_AHEAD_MS) {
    throw new UserError(`That is more than a year ahead (${formatInZone(at, opts.timeZone)}). Give a time within the next 366 days.`);
  }
  return new Date(at);
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

/** Reads a repeat option: none, daily, weekly or a 5-field cron expression. */
export function parseRepeat(input: string): Repeat {
  const text = input.trim().replace(/\s+/g, ' ');
  const lower = text.toLowerCase();
  if (lower === '' || lower === 'none' || lower === 'once') return { kind: 'none' };
  if (lower === 'daily' || lower === 'weekly') return { kind: lower };
  const fields = text.split(' ').length;
  if (fields === 6 || fields === 7) {
    throw new UserError(`"${text}" has ${fields} fields; seconds and years are not supported. Use 5 fields: minute hour day-of-month month day-of-week, like 0 18 * * 1-5.`);
  }
  if (fields !== 5) {
    throw new UserError(`"${text}" is not a repeat I know. Use none, daily, weekly or a 5-field cron expression like 0 18 * * 1-5.`);
  }
  let cron: Cron;
  try {
    cron = new Cron(text, { mode: '5-part' });
  } catch (error) {
    const reason = (error as Error).message.replace(/^CronPattern: /, '');
    throw new UserError(`"${text}" is not a valid cron expression (${reason}).`);
  }
  if (!cron.nextRun()) throw new UserError(`The cron expression "${text}" never matches a date.`);
  return { kind: 'cron', cron: text };
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
