import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { OPEN_TIMEOUT_MS } from '../src/storage/connection.js';
import { openStore } from '../src/storage/open.js';
import { StorageError } from '../src/storage/store.js';
import { runBotToExit } from './support/child-bot.js';
import { silentLogger } from './support/log.js';
import { BACKENDS, SHARED_SERVER_URLS, UNAVAILABLE, type Harness } from './support/storage-backends.js';

// What only the backends several bot processes share must do: hold updates
// across processes, and refuse a wrong STORAGE_URL at once, in one line, without its password.

for (const { name, reason } of UNAVAILABLE) describe(`shared storage: ${name}`, () => it.skip(`skipped: ${reason}`));

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe.each(BACKENDS.filter((b) => b.shared))('shared storage: $name', (backend) => {
  it('close waits for pending writes, then lets go of every connection it had and refuses later calls', async () => {
    const h: Harness = await backend.open(silentLogger());
    cleanups.push(() => h.cleanup());
    const other = await h.reopen!();
    await Promise.all(Array.from({ length: 20 }, (_, i) => h.store.update<number>(`k:${i}`, (n) => (n ?? 0) + 1)));
    expect(await h.connections!()).toBeGreaterThan(0);
    const writes = Array.from({ length: 20 }, (_, i) => h.store.set(`s:${i}`, i));
    await h.store.close();
    await Promise.all(writes);
    expect(await other.scan('s:')).toHaveLength(20);
    await other.close();
    // The server notices a closed connection a moment after the client: wait for it to show.
    const deadline = Date.now() + 5000;
    while ((await h.connections!()) > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await h.connections!()).toBe(0);
    // A call after close is refused; it does not quietly open a connection that nobody would close.
    await expect(h.store.set('late', 1)).rejects.toThrow();
    await expect(other.get('s:1')).rejects.toThrow();
    expect(await h.connections!()).toBe(0);
  });

  it('two stores on their own connections, as two processes have, lose none of 200 concurrent increments of one key', async () => {
    const h: Harness = await backend.open(silentLogger());
    cleanups.push(() => h.cleanup());
    const other = await h.reopen!();
    // A real pause inside each change: without a lock that holds across stores, both read the same count and one increment is lost.
    const increment = (n: number | undefined) => new Promise<number>((resolve) => setTimeout(() => resolve((n ?? 0) + 1), 1));
    const updates = Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? h.store : other).update<number>('counter', increment));
    const results = await Promise.all(updates);
    expect(await h.store.get('counter')).toBe(200);
    expect(await other.get('counter')).toBe(200);
    // Each update saw the one before it, whichever store ran it: every count from 1 to 200 was written exactly once.
    expect(results.sort((a, b) => a! - b!)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
  });
});

/** A URL of url's server with password replaced. */
const withPassword = (url: string, password: string) => Object.assign(new URL(url), { password }).href;
const withPort = (url: string, port: number) => Object.assign(new URL(url), { port: String(port) }).href;

/** Listens on 127.0.0.1 and does what answer does with each connection. */
async function listen(answer: (socket: Socket) => void): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    answer(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const close = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
  return { port, close };
}

/** A port nothing listens on: one the system just handed out and took back. */
async function closedPort(): Promise<number> {
  const { port, close } = await listen(() => {});
  await close();
  return port;
}

const SHARED = [
  { name: 'Redis', refusedPassword: /WRONGPASS/, unknownDatabase: (url: string) => Object.assign(new URL(url), { pathname: '/99999' }).href, noDatabase: /DB index is out of range/ },
  { name: 'PostgreSQL', refusedPassword: /password authentication failed/, unknownDatabase: (url: string) => Object.assign(new URL(url), { pathname: '/no_such_database' }).href, noDatabase: /database "no_such_database" does not exist/ },
].filter(({ name }) => SHARED_SERVER_URLS[name]);

// Concurrent: most of this is waiting (for a child process to start, for a timeout to pass).
describe.concurrent.each(SHARED)('opening $name storage that cannot be used', ({ name, refusedPassword, unknownDatabase, noDatabase }) => {
  const serverUrl = SHARED_SERVER_URLS[name]!;
  // Load the driver first, so the times measured below are the connection's, not the import's.
  beforeAll(async () => {
    const store = await openStore(serverUrl, silentLogger());
    await store.close();
  });
  const realPassword = decodeURIComponent(new URL(serverUrl).password);
  const wrongPassword = 'not-the-password-7f3a91';

  /** Opens url in this process; resolves to the error and how long the refusal took. */
  const refusal = async (url: string) => {
    const started = performance.now();
    const error = await openStore(url, silentLogger()).then(
      async (store) => {
        await store.close();
        throw new Error(`opened ${url}`);
      },
      (e: unknown) => e as Error,
    );
    return { error, ms: performance.now() - started };
  };

  it('npm start stops with one line naming STORAGE_URL and the refused password, and never shows the password', { timeout: 30_000 }, async () => {
    const url = withPassword(serverUrl, wrongPassword);
    // A token of the right shape (so the configuration passes) and a DISCORD_API_URL that points
    // nowhere: the start must end at the storage, before any login.
    const run = await runBotToExit({ env: { DISCORD_TOKEN: 'MTIzNDU2Nzg5MDEyMzQ1Njc4.GhIjKl.abcdefghijklmnopqrstuvwxyz0123456789AB', DISCORD_API_URL: 'http://127.0.0.1:9/api', STORAGE_URL: url, LOG_LEVEL: 'info' } });
    expect(run.code).toBe(1);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^Could not start: Cannot open STORAGE_URL \S+:\/\/\S*:\*\*\*\*@127\.0\.0\.1:\d+\S*: /);
    expect(lines[0]).toMatch(refusedPassword);
    for (const output of [run.stderr, run.stdout]) {
      expect(output).not.toContain(wrongPassword);
      if (realPassword) expect(output).not.toContain(realPassword);
    }
  });

  it('a refused connection fails at once, naming STORAGE_URL with the password masked', async () => {
    const { error, ms } = await refusal(withPort(serverUrl, await closedPort()));
    expect(error).toBeInstanceOf(StorageError);
    expect(error.message).toMatch(/^Cannot open STORAGE_URL \S+:\*\*\*\*@127\.0\.0\.1:\d+\S*: the connection was refused/);
    expect(error.message).not.toContain('\n');
    if (realPassword) expect(error.message).not.toContain(realPassword);
    expect(ms).toBeLessThan(OPEN_TIMEOUT_MS);
  });

  it('a database the server does not have is named in the refusal', async () => {
    const { error } = await refusal(unknownDatabase(serverUrl));
    expect(error).toBeInstanceOf(StorageError);
    expect(error.message).toMatch(/^Cannot open STORAGE_URL /);
    expect(error.message).toMatch(noDatabase);
    if (realPassword) expect(error.message).not.toContain(realPassword);
  });

  it('a server that accepts the connection and never answers fails the open after the timeout instead of hanging', { timeout: OPEN_TIMEOUT_MS + 10_000 }, async () => {
    const silent = await listen(() => {});
    const { error, ms } = await refusal(withPort(serverUrl, silent.port)).finally(silent.close);
    expect(error).toBeInstanceOf(StorageError);
    expect(error.message).toMatch(/^Cannot open STORAGE_URL \S+:\*\*\*\*@127\.0\.0\.1:\d+\S*: .*(did not answer|timeout)/i);
    expect(ms).toBeGreaterThanOrEqual(OPEN_TIMEOUT_MS - 100);
    expect(ms).toBeLessThan(OPEN_TIMEOUT_MS + 3000);
  });
});
