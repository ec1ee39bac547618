import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { createClient } from '@keyv/redis';
import pg from 'pg';
import type { Logger } from 'pino';
import { openMemoryStore } from '../../src/storage/memory.js';
import { openStore } from '../../src/storage/open.js';
import type { Store } from '../../src/storage/store.js';
import { tempDir } from './temp.js';

/** One backend as the contract suite drives it. */
export interface Harness {
  store: Store;
  /** Opens the same data again after close; absent for a backend that keeps nothing. */
  reopen?: () => Promise<Store>;
  /** Makes every write fail, as a full disk or a lost connection would, until heal(); reads keep working. */
  breakWrites(): Promise<void>;
  /** What the backend says when it refuses a write after breakWrites(). */
  refusal: RegExp;
  heal(): Promise<void>;
  /** Shared backends: the STORAGE_URL the stores were opened with. */
  url?: string;
  /** Shared backends: how many connections the server has open for this harness's stores. */
  connections?: () => Promise<number>;
  cleanup(): Promise<void>;
}

export interface Backend {
  name: string;
  /** Several processes may share it: its updates must hold across stores (tests/storage-shared.test.ts). */
  shared?: true;
  /** A fresh, empty store that logs to log. */
  open(log: Logger): Promise<Harness>;
}

/** A map whose writes throw while `failing` is set. */
class FaultyMap extends Map<string, string> {
  failing = false;
  override set(key: string, value: string): this {
    if (this.failing) throw new Error('injected write failure');
    return super.set(key, value);
  }
  override delete(key: string): boolean {
    if (this.failing) throw new Error('injected write failure');
    return super.delete(key);
  }
}

/** Runs SQL on its own connection to the file, as another process would. */
async function sqliteExec(file: string, sql: string): Promise<void> {
  const { default: sqlite3 } = await import('sqlite3');
  const db = new sqlite3.Database(file);
  await new Promise<void>((resolve, reject) => db.exec(sql, (error) => (error ? reject(error) : resolve())));
  await new Promise<void>((resolve) => db.close(() => resolve()));
}

// Triggers on the table @keyv/sqlite creates: SQLite itself then refuses every write.
const FAIL = ['INSERT', 'UPDATE', 'DELETE'].map((op) => `CREATE TRIGGER fail_${op} BEFORE ${op} ON keyv BEGIN SELECT RAISE(ABORT, 'injected write failure'); END;`).join('\n');
const HEAL = ['INSERT', 'UPDATE', 'DELETE'].map((op) => `DROP TRIGGER fail_${op};`).join('\n');

/** Opens stores on one URL, remembering them so cleanup can close whatever a test left open. */
function opener(url: string, log: Logger) {
  const opened: Store[] = [];
  return {
    reopen: async () => {
      const store = await openStore(url, log);
      opened.push(store);
      return store;
    },
    closeAll: async () => {
      for (const store of opened) await store.close().catch(() => {});
    },
  };
}

/*
 * The shared backends run against the servers scripts/test-servers.sh starts
 * (TEST_REDIS_URL, TEST_POSTGRES_URL). Test files run in parallel, so each
 * harness gets a database of its own and breaks writes for itself only.
 */

/**
 * Redis: a numbered database and an ACL user of its own. breakWrites takes the
 * user's write commands away (`ACL SETUSER … -@write`): Redis then refuses
 * every write with NOPERM, on connections already open too, while reads go on.
 * Server-wide tricks (REPLICAOF a dead master, maxmemory) would break the
 * other test files using the server at the same time.
 */
async function openRedisHarness(serverUrl: string, log: Logger): Promise<Harness> {
  const admin = createClient({ url: serverUrl });
  await admin.connect();
  // The server has 1000 databases (scripts/test-servers.sh); a counter in database 0 hands them out.
  const db = ((await admin.incr('test-harness:next-db')) % 999) + 1;
  const user = `contract-${db}-${randomBytes(4).toString('hex')}`;
  const password = randomBytes(12).toString('hex');
  const acl = (...rules: string[]) => admin.sendCommand(['ACL', 'SETUSER', user, ...rules]);
  await acl('reset', 'on', `>${password}`, '~*', '&*', '+@all');
  const url = new URL(serverUrl);
  url.username = user;
  url.password = password;
  url.pathname = `/${db}`;
  const data = admin.duplicate({ database: db });
  await data.connect();
  await data.flushDb();
  const stores = opener(url.href, log);
  return {
    store: await stores.reopen(),
    reopen: stores.reopen,
    url: url.href,
    breakWrites: async () => void (await acl('-@write')),
    refusal: /NOPERM/,
    heal: async () => void (await acl('+@all')),
    connections: async () => String(await admin.sendCommand(['CLIENT', 'LIST'])).split('\n').filter((line) => line.includes(` user=${user} `)).length,
    async cleanup() {
      await stores.closeAll();
      await data.flushDb();
      await admin.sendCommand(['ACL', 'DELUSER', user]);
      await data.close();
      await admin.close();
    },
  };
}

/**
 * PostgreSQL: a database of its own, created for the harness and dropped
 * after. breakWrites puts triggers on the adapter's table that raise on every
 * INSERT, UPDATE and DELETE, as the SQLite harness does.
 */
async function openPostgresHarness(serverUrl: string, log: Logger): Promise<Harness> {
  const name = `contract_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const sql = async (text: string) => {
    const client = new pg.Client({ connectionString: url.href });
    await client.connect();
    try {
      await client.query(text);
    } finally {
      await client.end();
    }
  };
  const stores = opener(url.href, log);
  return {
    store: await stores.reopen(),
    reopen: stores.reopen,
    url: url.href,
    breakWrites: () =>
      sql(`CREATE FUNCTION injected_failure() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'injected write failure'; END $$;
           CREATE TRIGGER injected_failure BEFORE INSERT OR UPDATE OR DELETE ON public.keyv FOR EACH ROW EXECUTE FUNCTION injected_failure();`),
    refusal: /injected write failure/,
    heal: () => sql('DROP TRIGGER injected_failure ON public.keyv; DROP FUNCTION injected_failure();'),
    connections: async () => Number((await admin.query(`SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1 AND application_name = 'sourcing-bot'`, [name])).rows[0].n),
    async cleanup() {
      await stores.closeAll();
      await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}

const SHARED_SERVERS = [
  { name: 'Redis', variable: 'TEST_REDIS_URL', open: openRedisHarness },
  { name: 'PostgreSQL', variable: 'TEST_POSTGRES_URL', open: openPostgresHarness },
] as const;

/** The shared backends left out because their server's URL is not set: the suites report them as skipped. */
export const UNAVAILABLE = SHARED_SERVERS.filter(({ variable }) => !process.env[variable]).map(({ name, variable }) => ({
  name,
  reason: `${variable} not set (eval "$(scripts/test-servers.sh start)" starts the servers)`,
}));

/** The URL of each shared backend's test server, for tests that connect to it themselves. */
export const SHARED_SERVER_URLS: Record<string, string> = Object.fromEntries(SHARED_SERVERS.flatMap(({ name, variable }) => (process.env[variable] ? [[name, process.env[variable]]] : [])));

/** Every backend the contract suite runs against: a new backend adds one entry here. */
export const BACKENDS: Backend[] = [
  {
    name: 'memory',
    async open(log) {
      const entries = new FaultyMap();
      const store = openMemoryStore(log, entries);
      return {
        store,
        breakWrites: async () => void (entries.failing = true),
        refusal: /injected write failure/,
        heal: async () => void (entries.failing = false),
        cleanup: () => store.close(),
      };
    },
  },
  {
    name: 'SQLite',
    async open(log) {
      const tmp = tempDir('storage-contract-');
      const file = join(tmp.dir, 'bot.sqlite');
      const opened: Store[] = [];
      const reopen = async () => {
        const store = await openStore(`sqlite://${file}`, log);
        opened.push(store);
        return store;
      };
      return {
        store: await reopen(),
        reopen,
        breakWrites: () => sqliteExec(file, FAIL),
        refusal: /injected write failure/,
        heal: () => sqliteExec(file, HEAL),
        async cleanup() {
          for (const store of opened) await store.close().catch(() => {});
          tmp.cleanup();
        },
      };
    },
  },
  ...SHARED_SERVERS.flatMap(({ name, variable, open }): Backend[] => {
    const url = process.env[variable];
    return url ? [{ name, shared: true, open: (log) => open(url, log) }] : [];
  }),
];
