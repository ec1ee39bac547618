import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { MAX_TIMEOUT_MS, systemClock } from '../src/clock.js';
import { ManualClock } from '../tools/manual-clock.js';

describe('ManualClock', () => {
  it('runs due timers in time order, with now() at each timer time, and lets promises settle between them', async () => {
    const clock = new ManualClock(1000);
    const seen: string[] = [];
    clock.setTimeout(() => seen.push(`b@${clock.now()}`), 20);
    clock.setTimeout(() => {
      seen.push(`a@${clock.now()}`);
      void Promise.resolve().then(() => clock.setTimeout(() => seen.push(`c@${clock.now()}`), 5));
    }, 10);
    const late = clock.setTimeout(() => seen.push('never'), 100);
    clock.clearTimeout(late);
    await clock.advance(50);
    expect(seen).toEqual(['a@1010', 'c@1015', 'b@1020']);
    expect(clock.now()).toBe(1050);
    expect(clock.pending).toBe(0);
  });

  it('refuses delays longer than setTimeout allows, as Node would mishandle them', () => {
    expect(() => new ManualClock().setTimeout(() => {}, MAX_TIMEOUT_MS + 1)).toThrow(RangeError);
  });
});

describe('systemClock', () => {
  it('unrefs its timers', () => {
    const handle = systemClock.setTimeout(() => {}, 60_000);
    expect((handle as unknown as NodeJS.Timeout).hasRef()).toBe(false);
    systemClock.clearTimeout(handle);
  });

  it('lets the process exit while a scheduler waits for a run far ahead', () => {
    const script = `
      import { pino } from 'pino';
      import { openStore } from './src/storage/open.ts';
      import { createSchedule } from './src/schedule/repository.ts';
      import { Scheduler } from './src/schedule/scheduler.ts';
      const log = pino({ level: 'silent' });
      const store = await openStore('memory://', log);
      await createSchedule(store, { guildId: 'g', channelId: 'c', promptId: null, repeat: { kind: 'daily' }, timeZone: 'UTC', firstRunAt: Date.now() + 40 * 86400000, createdBy: 'u' }, Date.now());
      await new Scheduler({ store, log, post: async () => ({ messageId: 'm' }) }).start();
      console.log('armed');
    `;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: process.cwd(), timeout: 15_000, encoding: 'utf8' });
    expect(child.stderr).toBe('');
    expect(child.stdout.trim()).toBe('armed');
    expect(child.status).toBe(0);
  });
});
