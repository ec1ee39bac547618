import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { copyStore } from '../src/storage/copy.js';
import { openStore } from '../src/storage/open.js';
import type { Store } from '../src/storage/store.js';
import { ROOT, TSX_LOADER } from './support/child-bot.js';
import { silentLogger } from './support/log.js';
import { BACKENDS } from './support/storage-backends.js';
import { tempDir } from './support/temp.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function sqlite(file: string): Promise<Store> {
  const store = await openStore(`sqlite://${file}`, silentLogger());
  cleanups.push(() => store.close());
  return store;
}

function folder(): string {
  const tmp = tempDir('storage-copy-');
  cleanups.push(tmp.cleanup);
  return tmp.dir;
}

const run = (...args: string[]) => spawnSync(process.execPath, ['--import', TSX_LOADER, join(ROOT, 'src/storage-copy.ts'), ...args], { encoding: 'utf8', cwd: folder() });

describe('copying one store into another', () => {
  it('copies every record, values intact, and checks each by reading it back', async () => {
    const dir = folder();
    const from = await sqlite(join(dir, 'from.sqlite'));
    for (let i = 0; i < 350; i++) await from.set(`tally:g${i % 3}:u${i}`, { userId: `u${i}`, answered: i, byCategory: { attribution: { answered: i, correct: 0 } } });
    await from.set('schedules:g1', [{ id: 's1', when: 'daily' }]);
    const to = await sqlite(join(dir, 'to.sqlite'));
    expect(await copyStore(from, to)).toEqual({ kind: 'copied', records: 351 });
    const copied = new Map(await to.scan(''));
    expect(copied.size).toBe(351);
    for (const [key, value] of await from.scan('')) expect(copied.get(key), key).toEqual(value);
  });

  it('refuses a target that already holds records, unless told to overwrite', async () => {
    const dir = folder();
    const from = await sqlite(join(dir, 'from.sqlite'));
    await from.set('a', 1);
    const to = await sqlite(join(dir, 'to.sqlite'));
    await to.set('b', 2);
    expect(await copyStore(from, to)).toEqual({ kind: 'target-not-empty', records: 1 });
    expect(await to.get('a')).toBeUndefined();
    expect(await copyStore(from, to, { overwrite: true })).toEqual({ kind: 'copied', records: 1 });
    expect(new Map(await to.scan(''))).toEqual(new Map<string, number>([['a', 1], ['b', 2]]));
  });

  it('npm run storage:copy copies between SQLite files, and refuses a non-empty target and a bad URL with one plain line', async () => {
    const dir = folder();
    const from = await openStore(`sqlite://${join(dir, 'from.sqlite')}`, silentLogger());
    await from.set('k1', { v: 1 });
    await from.set('k2', { v: 2 });
    await from.close();
    const ok = run(`sqlite://${join(dir, 'from.sqlite')}`, `sqlite://${join(dir, 'to.sqlite')}`);
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/^Copied 2 records from sqlite:\/\/.+ to sqlite:\/\/.+, each read back and checked\.\n$/);
    const again = run(`sqlite://${join(dir, 'from.sqlite')}`, `sqlite://${join(dir, 'to.sqlite')}`);
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/^storage:copy: sqlite:\/\/.+ already holds 2 records; nothing was copied\. .*--overwrite.*\n$/);
    const bad = run('ftp://user:secret@example/x', `sqlite://${join(dir, 'to.sqlite')}`);
    expect(bad.status).toBe(1);
    expect(bad.stderr).not.toContain('secret');
    expect(bad.stderr).toMatch(/^storage:copy: ftp:\/\/user:\*\*\*\*@example\/x is not a storage URL: use /);
  });
});

// From the default SQLite file into every other backend this machine can run (Redis and
// PostgreSQL when their test servers are set, as in CI): the move the README describes.
describe.each(BACKENDS.filter((b) => b.name !== 'SQLite'))('copying SQLite into $name', (backend) => {
  it('copies every record and reads each back the same', async () => {
    const from = await sqlite(join(folder(), 'from.sqlite'));
    for (let i = 0; i < 120; i++) await from.set(`tally:g:u${i}`, { userId: `u${i}`, answered: i });
    const harness = await backend.open(silentLogger());
    cleanups.push(() => harness.cleanup());
    expect(await copyStore(from, harness.store)).toEqual({ kind: 'copied', records: 120 });
    expect((await harness.store.scan('tally:g:')).length).toBe(120);
    expect(await harness.store.get('tally:g:u7')).toEqual({ userId: 'u7', answered: 7 });
  });
});
