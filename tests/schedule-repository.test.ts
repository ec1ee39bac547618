import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../src/storage/open.js';
import type { Store } from '../src/storage/store.js';
import {
  cancelSchedule,
  createSchedule,
  getSchedule,
  listSchedules,
  pauseSchedule,
  resumeSchedule,
  updateSchedule,
  type NewSchedule,
} from '../src/schedule/repository.js';
import { getGuildTimeZone, setGuildTimeZone } from '../src/schedule/settings.js';
import type { Schedule } from '../src/schedule/types.js';
import { createAccepted } from './support/schedules.js';
import { silentLogger } from './support/log.js';

const log = silentLogger();
const NOW = Date.parse('2025-06-01T10:00:00Z');
const H = 3_600_000;
let store: Store;

beforeEach(async () => {
  store = await openStore('memory://', log);
});
afterEach(async () => {
  await store.close();
});

const input = (over: Partial<NewSchedule> = {}): NewSchedule => ({
  guildId: 'g1',
  channelId: 'c1',
  article: 'a1',
  promptId: null,
  repeat: { kind: 'daily' },
  timeZone: 'Europe/Berlin',
  firstRunAt: NOW + H,
  createdBy: 'u1',
  ...over,
});

const create = (over: Partial<NewSchedule> = {}, now = NOW): Promise<Schedule> => createAccepted(store, input(over), now);

describe('schedules in the store', () => {
  it('creates a schedule with a short typable id, anchored to its first run, and lists it', async () => {
    const s = await create();
    expect(s.id).toMatch(/^[a-hj-km-np-z2-9]{4}$/);
    expect(s).toMatchObject({ guildId: 'g1', nextRunAt: NOW + H, paused: false, createdAt: NOW, createdBy: 'u1' });
    // 11:00 UTC is 13:00 in Berlin in June.
    expect(s.repeat).toEqual({ kind: 'daily', cron: '0 13 * * *' });
    expect(await listSchedules(store, 'g1')).toEqual([s]);
    expect(await listSchedules(store, 'g2')).toEqual([]);
    expect(await getSchedule(store, 'g1', s.id.toUpperCase())).toEqual(s);
  });

  it('starts a cron schedule at its next match when no first time is given', async () => {
    const s = await create({ repeat: { kind: 'cron', cron: '0 18 * * *' }, firstRunAt: undefined, timeZone: 'UTC' });
    expect(s.nextRunAt).toBe(Date.parse('2025-06-01T18:00:00Z'));
  });

  it('refuses a schedule without a first run, or in a time zone it does not know, and stores nothing', async () => {
    expect(await createSchedule(store, input({ repeat: { kind: 'daily' }, firstRunAt: undefined }), NOW)).toEqual({ kind: 'no-first-run' });
    expect(await createSchedule(store, input({ timeZone: 'Mars/Olympus' }), NOW)).toEqual({ kind: 'unknown-time-zone', timeZone: 'Mars/Olympus' });
    expect(await listSchedules(store, 'g1')).toEqual([]);
  });

  it('refuses a 26th schedule in one server, even when created at the same moment', async () => {
    const results = await Promise.all(Array.from({ length: 30 }, () => createSchedule(store, input(), NOW)));
    expect(results.filter((r) => r.kind === 'created')).toHaveLength(25);
    expect(results.filter((r) => r.kind !== 'created')).toEqual(Array.from({ length: 5 }, () => ({ kind: 'limit-reached', limit: 25 })));
    expect(new Set((await listSchedules(store, 'g1')).map((s) => s.id)).size).toBe(25);
    // Another server is not affected.
    expect((await createSchedule(store, input({ guildId: 'g2' }), NOW)).kind).toBe('created');
  });

  it('lets one-offs that already ran give way, oldest first, to a new schedule at the limit', async () => {
    const oneOffs = [];
    for (let i = 0; i < 25; i++) oneOffs.push(await create({ repeat: { kind: 'none' } }, NOW + i));
    for (const s of oneOffs.slice(0, 2)) {
      await updateSchedule(store, 'g1', s.id, (current) => ({ ...current, nextRunAt: null }));
    }
    const created = await create({}, NOW + 100);
    const ids = (await listSchedules(store, 'g1')).map((s) => s.id);
    expect(ids).toHaveLength(25);
    expect(ids).toContain(created.id);
    expect(ids).not.toContain(oneOffs[0]!.id);
    expect(ids).toContain(oneOffs[1]!.id);
    expect((await createSchedule(store, input(), NOW + 200)).kind).toBe('created');
    expect(await createSchedule(store, input(), NOW + 300)).toEqual({ kind: 'limit-reached', limit: 25 });
  });

  it('pauses, resumes and cancels, and says when the id is unknown or the schedule is already in that state', async () => {
    const s = await create();
    expect(await pauseSchedule(store, 'g1', s.id)).toEqual({ kind: 'paused', schedule: { ...s, paused: true } });
    expect(await pauseSchedule(store, 'g1', s.id)).toEqual({ kind: 'already-paused', schedule: { ...s, paused: true } });
    // Resumed before its next run: the run stays as it was.
    expect(await resumeSchedule(store, 'g1', s.id, NOW + 1000)).toMatchObject({ kind: 'resumed', schedule: { paused: false, nextRunAt: NOW + H } });
    expect(await resumeSchedule(store, 'g1', s.id, NOW)).toMatchObject({ kind: 'not-paused', schedule: { id: s.id } });
    expect(await getSchedule(store, 'g1', s.id)).toMatchObject({ paused: false, nextRunAt: NOW + H });
    expect(await cancelSchedule(store, 'g1', s.id)).toMatchObject({ kind: 'cancelled', schedule: { id: s.id } });
    expect(await listSchedules(store, 'g1')).toEqual([]);
    expect(await cancelSchedule(store, 'g1', s.id)).toEqual({ kind: 'not-found' });
    expect(await pauseSchedule(store, 'g1', 'zzzz')).toEqual({ kind: 'not-found' });
    expect(await resumeSchedule(store, 'g1', 'zzzz', NOW)).toEqual({ kind: 'not-found' });
  });

  it('resuming after the next run passed recomputes it from now', async () => {
    const s = await create();
    await pauseSchedule(store, 'g1', s.id);
    expect(await resumeSchedule(store, 'g1', s.id, NOW + 3 * 24 * H)).toMatchObject({ kind: 'resumed', schedule: { nextRunAt: NOW + H + 3 * 24 * H } });
  });

  it('does not resume a one-off whose time passed during the pause, and says when it was due', async () => {
    const s = await create({ repeat: { kind: 'none' } });
    await pauseSchedule(store, 'g1', s.id);
    expect(await resumeSchedule(store, 'g1', s.id, NOW + 2 * H)).toMatchObject({ kind: 'one-off-passed', at: NOW + H, schedule: { id: s.id } });
    expect(await getSchedule(store, 'g1', s.id)).toMatchObject({ paused: true });
  });
});

describe('guild time zone', () => {
  it('defaults to UTC and stores the canonical name, keeping other settings', async () => {
    expect(await getGuildTimeZone(store, 'g1')).toBe('UTC');
    await store.set('guild-settings:g1', { locale: 'de' });
    expect(await setGuildTimeZone(store, 'g1', 'europe/berlin')).toEqual({ kind: 'set', timeZone: 'Europe/Berlin' });
    expect(await getGuildTimeZone(store, 'g1')).toBe('Europe/Berlin');
    expect(await store.get('guild-settings:g1')).toEqual({ locale: 'de', timeZone: 'Europe/Berlin' });
    expect(await setGuildTimeZone(store, 'g1', 'Mars/Olympus')).toEqual({ kind: 'unknown-time-zone' });
    expect(await getGuildTimeZone(store, 'g1')).toBe('Europe/Berlin');
  });
});
