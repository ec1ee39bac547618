/**
 * deploy/sourcing-bot.service: checked by systemd's own tools where they are
 * installed (`apt-get install systemd`), and read here for the settings the bot
 * depends on whatever systemd says.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './support/child-bot.js';
import { tempDir } from './support/temp.js';

const UNIT = join(ROOT, 'deploy', 'sourcing-bot.service');
const hasTool = spawnSync('systemd-analyze', ['--version']).status === 0;
const NO_TOOL = 'systemd-analyze is not installed here (apt-get install -y systemd provides it)';

/** The unit's settings by section; a key given more than once keeps every value. */
function readUnit(): Map<string, Map<string, string[]>> {
  const sections = new Map<string, Map<string, string[]>>();
  let current: Map<string, string[]> | undefined;
  for (const raw of readFileSync(UNIT, 'utf8').split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const section = /^\[(.+)\]$/.exec(line);
    if (section) sections.set(section[1]!, (current = new Map()));
    else {
      const [key, ...value] = line.split('=');
      current!.set(key!, [...(current!.get(key!) ?? []), value.join('=')]);
    }
  }
  return sections;
}

/**
 * The unit to check. verify insists that ExecStart's program exists: where node
 * is not at /usr/bin/node, a copy pointing at this machine's node is checked.
 */
function unitForThisMachine(onTestFinished: (fn: () => void) => void): string {
  if (existsSync('/usr/bin/node')) return UNIT;
  const tmp = tempDir();
  onTestFinished(tmp.cleanup);
  const copy = join(tmp.dir, 'sourcing-bot.service');
  writeFileSync(copy, readFileSync(UNIT, 'utf8').replace('ExecStart=/usr/bin/node ', `ExecStart=${process.execPath} `));
  return copy;
}

describe('the systemd unit', () => {
  it('passes systemd-analyze verify without a warning', ({ skip, onTestFinished }) => {
    skip(!hasTool, NO_TOOL);
    const run = spawnSync('systemd-analyze', ['verify', unitForThisMachine(onTestFinished)], { encoding: 'utf8' });
    expect(run.stderr + run.stdout).toBe('');
    expect(run.status).toBe(0);
  });

  it('rates as well hardened in systemd-analyze security (exposure under 3 of 10)', ({ skip, onTestFinished }) => {
    skip(!hasTool, NO_TOOL);
    const run = spawnSync('systemd-analyze', ['security', '--offline=true', '--no-pager', unitForThisMachine(onTestFinished)], { encoding: 'utf8' });
    skip(/unrecognized option|Unknown command/i.test(run.stderr), 'this systemd-analyze has no offline security review (systemd 250 or newer has)');
    const exposure = /Overall exposure level for sourcing-bot\.service: ([\d.]+)/.exec(run.stdout)?.[1];
    expect(exposure, run.stdout + run.stderr).toBeDefined();
    expect(Number(exposure)).toBeLessThan(3);
  });

  it('runs what npm start runs, as its own user, restarting on failure, with the data folder of the default STORAGE_URL writable', () => {
    const unit = readUnit();
    const service = unit.get('Service')!;
    const one = (key: string) => {
      expect(service.get(key), key).toHaveLength(1);
      return service.get(key)![0]!;
    };
    const dir = one('WorkingDirectory');
    // npm start is the launcher that builds dist/ when stale, then imports dist/index.js; the
    // service runs that entry directly (its code folder is read-only, so it is built beforehand).
    const start = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
    expect(start).toBe('node scripts/start.mjs');
    expect(readFileSync(join(ROOT, 'scripts/start.mjs'), 'utf8')).toContain("bot: 'index.js'");
    expect(one('ExecStart')).toMatch(/^\/\S+\/node dist\/index\.js$/);
    expect(one('Restart')).toBe('on-failure');
    expect(Number(one('RestartSec'))).toBeGreaterThan(0);
    expect(one('User')).toBe('sourcing-bot');
    expect(one('EnvironmentFile')).toBe(`${dir}/.env`);
    expect(one('StandardOutput')).toBe('journal');
    // SQLite writes the database, its -wal and -shm in the folder of sqlite://data/bot.sqlite.
    expect(one('ProtectSystem')).toBe('strict');
    expect(one('ReadWritePaths').split(/\s+/)).toContain(`${dir}/data`);
    // V8 compiles code at run time into memory that is written, then executed.
    expect(service.has('MemoryDenyWriteExecute')).toBe(false);
    expect(unit.get('Install')?.get('WantedBy')).toEqual(['multi-user.target']);
  });
});

describe('the licence', () => {
  it('is MIT, for the sourcing-bot authors, and package.json says so', () => {
    const text = readFileSync(join(ROOT, 'LICENSE'), 'utf8');
    expect(text).toMatch(/^MIT License\n\nCopyright \(c\) 2026 the sourcing-bot authors\n/);
    expect(text).toContain('THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND');
    expect((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { license?: string }).license).toBe('MIT');
  });
});
