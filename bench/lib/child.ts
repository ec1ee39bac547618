/**
 * The bot and the baseline each run in their own child process, so their RSS
 * and CPU are read from /proc separately from the load generator's. Both run as
 * plain JavaScript under node, as `npm start` runs the bot: the bot from its
 * build in dist/ (ensureBuilt first), the baseline from bench/baseline-bot.mjs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, staleReason } from '../../scripts/build.mjs';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const ENTRIES = { bot: join(ROOT, 'dist/index.js'), baseline: join(ROOT, 'bench/baseline-bot.mjs') } as const;
const CLK_TCK = 100; // getconf CLK_TCK on Linux

export type ChildKind = keyof typeof ENTRIES;

// Children must not outlive the bench: a failed or interrupted run kills them on the way out.
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    process.stderr.write(`\n${signal}: stopping the bench and its child processes\n`);
    process.exit(130);
  });
}

export interface Child {
  readonly kind: ChildKind;
  readonly pid: number;
  readonly process: ChildProcess;
  /** performance.now() just before spawn. */
  readonly spawnedAt: number;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr(): string;
  /** Resident set size in MiB (VmRSS). */
  rssMb(): number;
  /** User + system CPU time of the process (all its threads) in ms. */
  cpuMs(): number;
  /** SIGTERM, then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

export interface SpawnOptions {
  env: Record<string, string>;
  /** Directory for a V8 CPU profile (node --cpu-prof), written when the child exits. */
  cpuProfDir?: string | undefined;
}

/** Builds dist/ when it is older than src/ (as `npm start` would), before anything is measured. */
export function ensureBuilt(log: (msg: string) => void): void {
  const reason = staleReason(ROOT);
  if (!reason) return;
  log(`building dist/ from src/ (${reason})`);
  const result = build(ROOT);
  if (!result.ok) throw new Error(`the build failed:\n${result.output}`);
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `sourcing-bench-${prefix}-`));
}

export function spawnChild(kind: ChildKind, { env, cpuProfDir }: SpawnOptions): Child {
  const childEnv: Record<string, string> = {};
  for (const key of ['PATH', 'HOME', 'TMPDIR']) {
    const value = process.env[key];
    if (value !== undefined) childEnv[key] = value;
  }
  Object.assign(childEnv, env);
  const args: string[] = [];
  if (cpuProfDir) {
    mkdirSync(cpuProfDir, { recursive: true });
    args.push('--cpu-prof', '--cpu-prof-dir', cpuProfDir);
  }
  args.push(ENTRIES[kind]);
  const spawnedAt = performance.now();
  // A fresh working folder: the bot must not read a developer's .env.
  const cwd = tempDir(`${kind}-cwd`);
  const child = spawn(process.execPath, args, { cwd, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    err = (err + chunk).slice(-20_000);
  });
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    // LOG_LEVEL=warn: whatever the bot logs is worth keeping for the report.
    err = (err + chunk).slice(-20_000);
  });
  live.add(child);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => {
    child.once('close', (code, signal) => done({ code, signal }));
    child.once('error', () => done({ code: null, signal: null }));
  });
  void exited.then(() => {
    live.delete(child);
    rmSync(cwd, { recursive: true, force: true });
  });
  const pid = child.pid ?? -1;
  let exitedYet = false;
  void exited.then(() => (exitedYet = true));
  return {
    kind,
    pid,
    process: child,
    spawnedAt,
    exited,
    stderr: () => err,
    rssMb() {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
      return kb / 1024;
    },
    cpuMs() {
      // Fields after the command name (which may contain spaces) start at state (field 3).
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
    },
    async stop(graceMs = 15_000) {
      if (exitedYet) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
