/**
 * Runs `npm run backup` and `npm run restore` as an operator would: their entry
 * files through tsx's loader, in a working folder of the test's choosing, with
 * nothing from the test's environment but PATH, HOME and TMPDIR.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openConnection } from '../../src/storage/sqlite/connection.js';
import { ROOT, TSX_LOADER } from './child-bot.js';

export interface ToolRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runDataTool(tool: 'backup' | 'restore', args: string[], { cwd, env = {} }: { cwd: string; env?: Record<string, string> }): Promise<ToolRun> {
  const childEnv: Record<string, string> = { ...env };
  for (const key of ['PATH', 'HOME', 'TMPDIR']) if (process.env[key] !== undefined) childEnv[key] ??= process.env[key]!;
  const child = spawn(process.execPath, ['--import', TSX_LOADER, join(ROOT, `src/${tool}.ts`), ...args], { cwd, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

/** Every file in a folder with a hash of its bytes: a snapshot to compare before and after. */
export function folderSnapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!name.isFile()) continue;
    const path = join(name.parentPath, name.name);
    out[path.slice(dir.length + 1)] = createHash('sha256').update(readFileSync(path)).digest('hex');
  }
  return out;
}

/** Runs one query on a SQLite file with a connection of its own. */
export async function query<T = Record<string, unknown>>(file: string, sql: string, ...params: unknown[]): Promise<T[]> {
  const db = await openConnection(file);
  try {
    return await db.all<T>(sql, ...params);
  } finally {
    await db.close();
  }
}

/** The tallies in a bot database file, by user id: what `keyv:tally:<guild>:<user>` rows hold. */
export async function talliesIn(file: string, guildId: string): Promise<Map<string, { answered: number; correct: number }>> {
  const prefix = `keyv:tally:${guildId}:`;
  const rows = await query<{ key: string; value: string }>(file, 'SELECT key, value FROM keyv WHERE key >= ? AND key < ?', prefix, `${prefix}\uffff`);
  return new Map(rows.map((r) => [r.key.slice(prefix.length), (JSON.parse(r.value) as { value: { answered: number; correct: number } }).value]));
}
