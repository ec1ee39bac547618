import { describe, expect, it } from 'vitest';
import { anchorRepeat, nextRunAfter, parseRepeat, parseWhen, isValidTimeZone, type WhenResult } from '../src/schedule/when.js';
import { instantOfWallTime, wallTimeAt } from '../src/schedule/zoned.js';
import type { Repeat } from '../src/schedule/types.js';

const utc = (iso: string) => Date.parse(iso);
const BERLIN = 'Europe/Berlin';
const NEW_YORK = 'America/New_York';

function when(input: string, now: string, timeZone = BERLIN): string {
  const result = parseWhen(input, { timeZone, now: utc(now) });
  if (result.kind !== 'ok') throw new Error(`"${input}" was refused: ${result.kind}`);
  return new Date(result.at).toISOString();
}

function refusal(input: string, now = '2025-06-01T10:00:00Z', timeZone = BERLIN): Exclude<WhenResult, { kind: 'ok' }> {
  const result = parseWhen(input, { timeZone, now: utc(now) });
  if (result.kind === 'ok') throw new Error(`"${input}" was accepted`);
  return result;
}

/** The first n runs of a repeat whose first run is firstRun, as UTC ISO strings. */
function runs(kind: Repeat['kind'], firstRun: string, timeZone: string, n: number): string[] {
  const schedule = { repeat: anchorRepeat({ kind }, utc(firstRun), timeZone), timeZone };
  const out = [firstRun];
  let at = utc(firstRun);
  while (out.length < n) {
    at = nextRunAfter(schedule, at)!;
    out.push(new Date(at).toISOString().replace('.000', ''));
  }
  return out;
}

const localClock = (iso: string, timeZone: string) => {
  const w = wallTimeAt(utc(iso), timeZone);
  return `${String(w.hour).padStart(2, '0')}:${String(w.minute).padStart(2, '0')}`;
};

describe('parseWhen', () => {
  it('reads an ISO date-time with Z or an offset as that instant', () => {
    expect(when('2025-06-01T18:30Z', '2025-06-01T10:00:00Z')).toBe('2025-06-01T18:30:00.000Z');
    expect(when('2025-06-01T18:30+02:00', '2025-06-01T10:00:00Z')).toBe('2025-06-01T16:30:00.000Z');
    expect(when('2025-06-01 18:30:15-0500', '2025-06-01T10:00:00Z')).toBe('2025-06-01T23:30:15.000Z');
  });

  it('reads an ISO date-time without offset as wall time in the time zone', () => {
    expect(when('2025-06-01T18:30', '2025-06-01T10:00:00Z', BERLIN)).toBe('2025-06-01T16:30:00.000Z');
    expect(when('2025-12-01T18:30', '2025-06-01T10:00:00Z', BERLIN)).toBe('2025-12-01T17:30:00.000Z');
    expect(when('2025-06-01 18:30', '2025-06-01T10:00:00Z', NEW_YORK)).toBe('2025-06-01T22:30:00.000Z');
  });

  it('reads a time of day as today when still ahead, else tomorrow', () => {
    // 12:00 in Berlin
    expect(when('18:30', '2025-06-01T10:00:00Z')).toBe('2025-06-01T16:30:00.000Z');
    expect(when('9:05', '2025-06-01T10:00:00Z')).toBe('2025-06-02T07:05:00.000Z');
    expect(when('12:00', '2025-06-01T10:00:00Z')).toBe('2025-06-02T10:00:00.000Z');
  });

  it('reads a time of day with the offset of the day it falls on (DST)', () => {
    // 21:00 CET on the eve of the spring change; 09:00 tomorrow is CEST.
    expect(when('09:00', '2025-03-29T20:00:00Z')).toBe('2025-03-30T07:00:00.000Z');
    expect(when('09:00', '2025-11-01T20:00:00Z', NEW_YORK)).toBe('2025-11-02T14:00:00.000Z');
  });

  it('reads relative delays in days, hours and minutes', () => {
    const now = '2025-06-01T10:00:00Z';
    expect(when('in 2h', now)).toBe('2025-06-01T12:00:00.000Z');
    expect(when('in 45m', now)).toBe('2025-06-01T10:45:00.000Z');
    expect(when('in 1h30m', now)).toBe('2025-06-01T11:30:00.000Z');
    expect(when('In 1h 30m', now)).toBe('2025-06-01T11:30:00.000Z');
    expect(when('in 3d', now)).toBe('2025-06-04T10:00:00.000Z');
  });

  it('moves a local time skipped by spring-forward to the end of the gap', () => {
    // 02:30 does not exist in Berlin on 2025-03-30: clocks go 02:00 CET -> 03:00 CEST.
    expect(when('2025-03-30T02:30', '2025-03-01T00:00:00Z')).toBe('2025-03-30T01:00:00.000Z');
    expect(when('2:30', '2025-03-29T23:30:00Z')).toBe('2025-03-30T01:00:00.000Z');
    expect(when('2025-03-09T02:30', '2025-03-01T00:00:00Z', NEW_YORK)).toBe('2025-03-09T07:00:00.000Z');
  });

  it('reads a local time that occurs twice (autumn) as its first occurrence', () => {
    expect(when('2025-10-26T02:30', '2025-10-01T00:00:00Z')).toBe('2025-10-26T00:30:00.000Z');
    expect(when('2025-11-02T01:30', '2025-10-01T00:00:00Z', NEW_YORK)).toBe('2025-11-02T05:30:00.000Z');
  });

  it('refuses unreadable input', () => {
    for (const input of ['tomorrow', '25:00', '18:60', '2025-02-30T10:00', 'in 2h 2h', 'in', '', '1830']) {
      expect(refusal(input), input).toEqual({ kind: 'unreadable' });
    }
  });

  it('refuses a time in the past, saying when it was', () => {
    expect(refusal('2025-06-01T09:00')).toEqual({ kind: 'passed', at: utc('2025-06-01T07:00:00Z') });
    expect(refusal('2024-01-01T00:00Z')).toEqual({ kind: 'passed', at: utc('2024-01-01T00:00:00Z') });
    expect(refusal('in 0m')).toEqual({ kind: 'passed', at: utc('2025-06-01T10:00:00Z') });
  });

  it('refuses a time more than a year ahead, saying when it would be', () => {
    expect(refusal('in 400d')).toEqual({ kind: 'too-far', at: utc('2025-06-01T10:00:00Z') + 400 * 86_400_000 });
    expect(refusal('2099-01-01T00:00Z')).toEqual({ kind: 'too-far', at: utc('2099-01-01T00:00:00Z') });
  });
});

describe('parseRepeat', () => {
  it('accepts none, daily, weekly and 5-field cron expressions', () => {
    const repeat = (input: string) => parseRepeat(input);
    expect(repeat('none')).toEqual({ kind: 'ok', repeat: { kind: 'none' } });
    expect(repeat(' Daily ')).toEqual({ kind: 'ok', repeat: { kind: 'daily' } });
    expect(repeat('weekly')).toEqual({ kind: 'ok', repeat: { kind: 'weekly' } });
    expect(repeat('0 18 * * 1-5')).toEqual({ kind: 'ok', repeat: { kind: 'cron', cron: '0 18 * * 1-5' } });
    expect(repeat('30  9 * *  mon')).toEqual({ kind: 'ok', repeat: { kind: 'cron', cron: '30 9 * * mon' } });
  });

  it('refuses 6- and 7-field cron expressions (seconds, years)', () => {
    expect(parseRepeat('0 0 18 * * *')).toEqual({ kind: 'extra-fields', text: '0 0 18 * * *', fields: 6 });
    expect(parseRepeat('0 0 18 * * * 2026')).toEqual({ kind: 'extra-fields', text: '0 0 18 * * * 2026', fields: 7 });
  });

  it('refuses an invalid cron expression, one that never matches, and words it does not know', () => {
    expect(parseRepeat('61 * * * *')).toMatchObject({ kind: 'invalid-cron', text: '61 * * * *', reason: expect.any(String) });
    expect(parseRepeat('0 0 31 2 *')).toEqual({ kind: 'never-matches', text: '0 0 31 2 *' });
    expect(parseRepeat('sometimes')).toEqual({ kind: 'unknown', text: 'sometimes' });
  });
});

describe('nextRunAfter across DST changes', () => {
  it('keeps a daily 09:00 in Europe/Berlin at 09:00 local across March and October', () => {
    const march = runs('daily', '2025-03-28T08:00:00Z', BERLIN, 4);
    expect(march).toEqual(['2025-03-28T08:00:00Z', '2025-03-29T08:00:00Z', '2025-03-30T07:00:00Z', '2025-03-31T07:00:00Z']);
    const october = runs('daily', '2025-10-24T07:00:00Z', BERLIN, 4);
    expect(october).toEqual(['2025-10-24T07:00:00Z', '2025-10-25T07:00:00Z', '2025-10-26T08:00:00Z', '2025-10-27T08:00:00Z']);
    for (const at of [...march, ...october]) expect(localClock(at, BERLIN)).toBe('09:00');
  });

  it('keeps a daily 09:00 in America/New_York at 09:00 local across March and November', () => {
    const march = runs('daily', '2025-03-08T14:00:00Z', NEW_YORK, 3);
    expect(march).toEqual(['2025-03-08T14:00:00Z', '2025-03-09T13:00:00Z', '2025-03-10T13:00:00Z']);
    const november = runs('daily', '2025-11-01T13:00:00Z', NEW_YORK, 3);
    expect(november).toEqual(['2025-11-01T13:00:00Z', '2025-11-02T14:00:00Z', '2025-11-03T14:00:00Z']);
    for (const at of [...march, ...november]) expect(localClock(at, NEW_YORK)).toBe('09:00');
  });

  it('runs a daily 02:30 at 03:00 on the spring-forward day, then at 02:30 again', () => {
    expect(runs('daily', '2025-03-29T01:30:00Z', BERLIN, 3)).toEqual(['2025-03-29T01:30:00Z', '2025-03-30T01:00:00Z', '2025-03-31T00:30:00Z']);
    expect(runs('daily', '2025-03-08T07:30:00Z', NEW_YORK, 3)).toEqual(['2025-03-08T07:30:00Z', '2025-03-09T07:00:00Z', '2025-03-10T06:30:00Z']);
    expect(localClock('2025-03-30T01:00:00Z', BERLIN)).toBe('03:00');
  });

  it('runs a daily time that occurs twice in autumn only once, at its first occurrence', () => {
    expect(runs('daily', '2025-11-01T05:30:00Z', NEW_YORK, 3)).toEqual(['2025-11-01T05:30:00Z', '2025-11-02T05:30:00Z', '2025-11-03T06:30:00Z']);
  });

  it('keeps a weekly run on the same weekday and wall time', () => {
    // Friday 2025-03-28 18:00 CET
    const weekly = runs('weekly', '2025-03-28T17:00:00Z', BERLIN, 3);
    expect(weekly).toEqual(['2025-03-28T17:00:00Z', '2025-04-04T16:00:00Z', '2025-04-11T16:00:00Z']);
  });

  it('follows a cron expression in the schedule time zone, and has no next run for a one-off', () => {
    const schedule = { repeat: { kind: 'cron' as const, cron: '0 18 * * 1-5' }, timeZone: NEW_YORK };
    // Friday 2025-03-07 18:00 EST -> Monday 2025-03-10 18:00 EDT
    expect(new Date(nextRunAfter(schedule, utc('2025-03-07T23:00:00Z'))!).toISOString()).toBe('2025-03-10T22:00:00.000Z');
    expect(nextRunAfter({ repeat: { kind: 'none' }, timeZone: BERLIN }, utc('2025-03-07T23:00:00Z'))).toBeNull();
  });
});

describe('time zones', () => {
  it('knows IANA names and refuses others', () => {
    expect(isValidTimeZone('Europe/Berlin')).toBe(true);
    expect(isValidTimeZone('UTC')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
    expect(isValidTimeZone('')).toBe(false);
  });

  it('converts wall time to an instant in zones with half-hour offsets', () => {
    const w = { year: 2025, month: 6, day: 1, hour: 9, minute: 0, second: 0 };
    expect(new Date(instantOfWallTime(w, 'Asia/Kolkata')).toISOString()).toBe('2025-06-01T03:30:00.000Z');
    expect(new Date(instantOfWallTime(w, 'UTC')).toISOString()).toBe('2025-06-01T09:00:00.000Z');
  });
});
