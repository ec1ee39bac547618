import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UserError } from '../src/errors.js';
import { openStore, type Store } from '../src/storage.js';
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

const log = pino({ level: 'silent' });
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
  promptId: null,
  repeat: { kind: 'daily' },
  timeZone: 'Europe/Berlin',
  firstRunAt: NOW + H,
  createdBy: 'u1',
  ...over,
});

describe('schedules in the store', () => {
  it('creates a schedule with a short typable id, anchored to its first run, and lists it', async () => {
    const s = await createSchedule(store, input(), NOW);
    expect(s.id).toMatch(/^[a-hj-km-np-z2-9]{4}$/);
    expect(s).toMatchObject({ guildId: 'g1', nextRunAt: NOW + H, paused: false, createdAt: NOW, createdBy: 'u1' });
    // 11:00 UTC is 13:00 in Berlin in June.
    expect(s.repeat).toEqual({ kind: 'daily', cron: '0 13 * * *' });
    expect(await listSchedules(store, 'g1')).toEqual([s]);
    expect(await listSchedules(store, 'g2')).toEqual([]);
    expect(await getSchedule(store, 'g1', s.id.toUpperCase())).toEqual(s);
  });

  it('starts a cron schedule at its next match when no first time is given', async () => {
    const s = await createSchedule(store, input({ repeat: { kind: 'cron', cron: '0 18 * * *' }, firstRunAt: undefined, timeZone: 'UTC' }), NOW);
    expect(s.nextRunAt).toBe(Date.parse('2025-06-01T18:00:00Z'));
  });

  it('refuses a 26th schedule in one server, even when created at the same moment', async () => {
    const attempts = await Promise.allSettled(Array.from({ length: 30 }, () => createSchedule(store, input(), NOW)));
    const created = attempts.filter((a) => a.status === 'fulfilled');
    const refused = attempts.flatMap((a) => (a.status === 'rejected' ? [a.reason as Error] : []));
    expect(created).toHaveLength(25);
    expect(refused).toHaveLength(5);
    for (const error of refused) {
      expect(error).toBeInstanceOf(UserError);
      expect(error.message).toBe('This server already has 25 schedules; cancel one with /prompt cancel first.');
    }
    expect(new Set((await listSchedules(store, 'g1')).map((s) => s.id)).size).toBe(25);
    // Another server is not affected.
    await expect(createSchedule(store, input({ guildId: 'g2' }), NOW)).resolves.toBeTruthy();
  });

  it('lets one-offs that already ran give way, oldest first, to a new schedule at the limit', async () => {
    const oneOffs = [];
    for (let i = 0; i < 25; i++) oneOffs.push(await createSchedule(store, input({ repeat: { kind: 'none' } }), NOW + i));
    for (const s of oneOffs.slice(0, 2)) {
      await updateSchedule(store, 'g1', s.id, (current) => ({ ...current, nextRunAt: null }));
    }
    const created = await createSchedule(store, input(), NOW + 100);
    const ids = (await listSchedules(store, 'g1')).map((s) => s.id);
    expect(ids).toHaveLength(25);
    expect(ids).toContain(created.id);
    expect(ids).not.toContain(oneOffs[0]!.id);
    expect(ids).toContain(oneOffs[1]!.id);
    await expect(createSchedule(store, input(), NOW + 200)).resolves.toBeDefined();
    await expect(createSchedule(store, input(), NOW + 300)).rejects.toThrow(/already has 25 schedules/);
  });

  it('pauses, resumes and cancels, refusing unknown ids', async () => {
    const s = await createSchedule(store, input(), NOW);
    expect((await pauseSchedule(store, 'g1', s.id)).paused).toBe(true);
    await expect(pauseSchedule(store, 'g1', s.id)).rejects.toThrow('already paused');
    // Resumed before its next run: the run stays as it was.
    expect(await resumeSchedule(store, 'g1', s.id, NOW + 1000)).toMatchObject({ paused: false, nextRunAt: NOW + H });
    await expect(resumeSchedule(store, 'g1', s.id, NOW)).rejects.toThrow('not paused');
    expect(await cancelSchedule(store, 'g1', s.id)).toMatchObject({ id: s.id });
    expect(await listSchedules(store, 'g1')).toEqual([]);
    await expect(cancelSchedule(store, 'g1', s.id)).rejects.toThrow(UserError);
    await expect(pauseSchedule(store, 'g1', 'zzzz')).rejects.toThrow('There is no schedule "zzzz" in this server.');
  });

  it('resuming after the next run passed recomputes it from now', async () => {
    const s = await createSchedule(store, input(), NOW);
    await pauseSchedule(store, 'g1', s.id);
    const resumed = await resumeSchedule(store, 'g1', s.id, NOW + 3 * 24 * H);
    expect(resumed.nextRunAt).toBe(NOW + H + 3 * 24 * H);
  });

  it('refuses to resume a one-off whose time passed during the pause', async () => {
    const s = await createSchedule(store, input({ repeat: { kind: 'none' } }), NOW);
    await pauseSchedule(store, 'g1', s.id);
    await expect(resumeSchedule(store, 'g1', s.id, NOW + 2 * H)).rejects.toThrow(/one-off for 2025-06-01 13:00 Europe\/Berlin, which has passed/);
  });
});

describe('guild time zone', () => {
  it('defaults to UTC and stores the canonical name, keeping other settings', async () => {
    expect(await getGuildTimeZone(store, 'g1')).toBe('UTC');
    await store.set('guild-settings:g1', { locale: 'de' });
    expect(await setGuildTimeZone(store, 'g1', 'europe/berlin')).toBe('Europe/Berlin');
    expect(await getGuildTimeZone(store, 'g1')).toBe('Europe/Berlin');
    expect(await store.get('guild-settings:g1')).toEqual({ locale: 'de', timeZone: 'Europe/Berlin' });
    await expect(setGuildTimeZone(store, 'g1', 'Mars/Olympus')).rejects.toThrow(UserError);
  });
});
