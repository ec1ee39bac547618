/**
 * The shared stores `npm run bench:scale` runs the bot on: the throwaway Redis
 * and PostgreSQL servers of scripts/test-servers.sh (started and stopped here
 * unless TEST_REDIS_URL / TEST_POSTGRES_URL are given), a fresh database on
 * them for each configuration, and the server's process id so its CPU can be
 * read from /proc.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { createClient } from '@keyv/redis';
import pg from 'pg';
import { ROOT } from './child.js';
import { parentOf, processExists } from './proc.js';

export interface Servers {
  redisUrl: string;
  postgresUrl: string;
  /** Whether this run started them (and so stops them). */
  started: boolean;
  stop(): void;
}

const SCRIPT = join(ROOT, 'scripts/test-servers.sh');

/** The servers named by TEST_REDIS_URL and TEST_POSTGRES_URL, or fresh ones from scripts/test-servers.sh. */
export function servers(log: (msg: string) => void): Servers {
  const given = { redis: process.env.TEST_REDIS_URL, postgres: process.env.TEST_POSTGRES_URL };
  if (given.redis && given.postgres) {
    log('using the servers of TEST_REDIS_URL and TEST_POSTGRES_URL');
    return { redisUrl: given.redis, postgresUrl: given.postgres, started: false, stop: () => {} };
  }
  log('starting throwaway Redis and PostgreSQL servers (scripts/test-servers.sh start)');
  const out = execFileSync(SCRIPT, ['start'], { encoding: 'utf8' });
  const value = (name: string) => {
    const found = new RegExp(`^export ${name}='([^']*)'$`, 'm').exec(out)?.[1];
    if (!found) throw new Error(`scripts/test-servers.sh start did not print ${name}`);
    return found;
  };
  const dir = value('TEST_SERVERS_DIR');
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    execFileSync(SCRIPT, ['stop', dir], { stdio: 'ignore' });
  };
  // An interrupted or failed run stops them too.
  process.once('exit', stop);
  return { redisUrl: value('TEST_REDIS_URL'), postgresUrl: value('TEST_POSTGRES_URL'), started: true, stop };
}

export interface FreshStore {
  /** The STORAGE_URL the bot gets. */
  url: string;
  /** The server's process (for PostgreSQL the postmaster, whose children are the backends), if it runs on this machine. */
  serverPid: number | undefined;
  drop(): Promise<void>;
}

/** An empty numbered Redis database (from the same counter the tests use, so a test run beside the bench is not disturbed). */
export async function freshRedis(serverUrl: string): Promise<FreshStore> {
  const admin = createClient({ url: serverUrl });
  await admin.connect();
  const db = ((await admin.incr('test-harness:next-db')) % 999) + 1;
  const info = String(await admin.sendCommand(['INFO', 'server']));
  const pid = Number(/process_id:(\d+)/.exec(info)?.[1]);
  const data = admin.duplicate({ database: db });
  await data.connect();
  await data.flushDb();
  const url = new URL(serverUrl);
  url.pathname = `/${db}`;
  return {
    url: url.href,
    serverPid: Number.isInteger(pid) && processExists(pid) ? pid : undefined,
    async drop() {
      await data.flushDb();
      await data.close();
      await admin.close();
    },
  };
}

/** A PostgreSQL database of its own, dropped after. */
export async function freshPostgres(serverUrl: string): Promise<FreshStore> {
  const name = `bench_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  // Our own backend's parent is the postmaster; every backend of every connection is its child.
  const backend = Number((await admin.query('SELECT pg_backend_pid() AS pid')).rows[0].pid);
  const postmaster = processExists(backend) ? parentOf(backend) : undefined;
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.href,
    serverPid: postmaster,
    async drop() {
      await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}
