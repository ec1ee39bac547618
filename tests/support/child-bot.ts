/**
 * Runs the compiled bot (dist/index.js, what `npm start` runs) as a child process,
 * so tests can see what an operator sees: exit codes, stderr, signals, SIGKILL.
 *
 *   const child = spawnBot({ env: { DISCORD_TOKEN: discord.token, DISCORD_API_URL: discord.apiUrl, STORAGE_URL } });
 *   await child.ready();
 *   child.kill('SIGTERM');
 *   expect((await child.exited).code).toBe(0);
 *
 * dist/ is built once per test run, when it is out of date, by the global setup
 * (tests/support/build-dist.ts). `npm start` goes through scripts/start.mjs, which
 * imports dist/index.js into its own process; `{ launcher: true }` starts it that
 * way, otherwise node runs dist/index.js directly and skips the staleness check.
 * Either way a signal reaches the bot itself, not a wrapper.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const ENTRY = join(ROOT, 'dist/index.js');
const LAUNCHER = join(ROOT, 'scripts/start.mjs');
/** An absolute URL, so a child running TypeScript tools can run in any working folder (and not read a developer's .env). */
export const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ChildBot {
  readonly process: ChildProcess;
  readonly pid: number;
  /** Resolves when the process has exited (never rejects). */
  readonly exited: Promise<ChildExit>;
  stdout(): string;
  stderr(): string;
  /** JSON log lines written to stdout so far (non-JSON lines skipped). */
  logs(): Array<Record<string, unknown>>;
  /** Resolves with the first log line matching; rejects if the process exits first or after timeoutMs. */
  waitForLog(predicate: (line: Record<string, unknown>) => boolean, timeoutMs?: number, what?: string): Promise<Record<string, unknown>>;
  /** Waits for the bot's "ready" log line. */
  ready(timeoutMs?: number): Promise<void>;
  kill(signal: NodeJS.Signals): void;
  /** SIGKILLs the process if still running and removes its working folder. */
  dispose(): Promise<void>;
}

export interface SpawnOptions {
  /** The bot's environment. Nothing from the test process leaks in except PATH, HOME and TMPDIR. */
  env: Record<string, string | undefined>;
  /** Working folder (default: a fresh empty temp folder, so no .env is read). */
  cwd?: string;
  /** Start through scripts/start.mjs, exactly as `npm start` does (default: dist/index.js directly). */
  launcher?: boolean;
}

/** Starts the compiled bot as a child process. */
export function spawnBot({ env, cwd, launcher = false }: SpawnOptions): ChildBot {
  if (!launcher && !existsSync(ENTRY)) throw new Error(`${ENTRY} does not exist: run the tests with vitest (its global setup builds dist/) or run npm run build`);
  const ownCwd = cwd ? undefined : mkdtempSync(join(tmpdir(), 'sourcing-bot-child-'));
  const childEnv: Record<string, string> = {};
  for (const key of ['PATH', 'HOME', 'TMPDIR', 'SYSTEMROOT']) {
    const value = process.env[key];
    if (value !== undefined) childEnv[key] = value;
  }
  for (const [key, value] of Object.entries(env)) if (value !== undefined) childEnv[key] = value;

  const child = spawn(process.execPath, [launcher ? LAUNCHER : ENTRY], {
    cwd: cwd ?? ownCwd,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const listeners = new Set<() => void>();
  const changed = () => {
    for (const fn of listeners) fn();
  };
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
    changed();
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk;
    changed();
  });
  let done: ChildExit | undefined;
  // 'close' (not 'exit') so stdout and stderr have been read to the end.
  const exited = new Promise<ChildExit>((resolveExit) => {
    child.once('close', (code, signal) => {
      done = { code, signal };
      resolveExit(done);
      changed();
    });
    child.once('error', () => {
      done = { code: null, signal: null };
      resolveExit(done);
      changed();
    });
  });

  const logs = () => {
    const lines: Array<Record<string, unknown>> = [];
    for (const line of out.split('\n')) {
      if (!line.startsWith('{')) continue;
      try {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // a line still being written
      }
    }
    return lines;
  };

  const waitForLog: ChildBot['waitForLog'] = (predicate, timeoutMs = 15_000, what = 'a matching log line') =>
    new Promise((resolveLine, reject) => {
      const check = () => {
        const hit = logs().find(predicate);
        if (hit) return finish(() => resolveLine(hit));
        if (done) return finish(() => reject(new Error(`the bot exited (${JSON.stringify(done)}) before ${what}\nstderr: ${err}\nstdout: ${out.slice(-4000)}`)));
      };
      const timer = setTimeout(() => finish(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}\nstderr: ${err}\nstdout: ${out.slice(-4000)}`))), timeoutMs);
      const finish = (fn: () => void) => {
        clearTimeout(timer);
        listeners.delete(check);
        fn();
      };
      listeners.add(check);
      check();
    });

  return {
    process: child,
    pid: child.pid ?? -1,
    exited,
    stdout: () => out,
    stderr: () => err,
    logs,
    waitForLog,
    async ready(timeoutMs = 20_000) {
      await waitForLog((l) => l.msg === 'ready', timeoutMs, 'the "ready" log line');
    },
    kill(signal) {
      if (!done) child.kill(signal);
    },
    async dispose() {
      if (!done) {
        child.kill('SIGKILL');
        await exited;
      }
      if (ownCwd) rmSync(ownCwd, { recursive: true, force: true });
    },
  };
}

/** Spawns the bot and waits until it logged "ready". */
export async function startChildBot(options: SpawnOptions & { timeoutMs?: number }): Promise<ChildBot> {
  const child = spawnBot(options);
  try {
    await child.ready(options.timeoutMs);
  } catch (error) {
    await child.dispose();
    throw error;
  }
  return child;
}

/** Spawns the bot and resolves once it exits (for start-up refusals). */
export async function runBotToExit(options: SpawnOptions & { timeoutMs?: number }): Promise<ChildExit & { stdout: string; stderr: string }> {
  const child = spawnBot(options);
  const timeoutMs = options.timeoutMs ?? 20_000;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the bot did not exit within ${timeoutMs} ms\nstderr: ${child.stderr()}\nstdout: ${child.stdout().slice(-4000)}`)), timeoutMs);
  });
  try {
    const exit = await Promise.race([child.exited, timeout]);
    return { ...exit, stdout: child.stdout(), stderr: child.stderr() };
  } finally {
    clearTimeout(timer);
    await child.dispose();
  }
}
