/**
 * Starting while Discord cannot be reached: the real startBot against the local
 * stand-in answering 503, a server that never answers, and a server that is
 * not a Discord API. (tests/faults-process-unreachable.test.ts does the same
 * through `npm start`'s entry, with DNS failures, refused connections and signals.)
 */
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startBot } from '../src/bot.js';
import { loadConfig } from '../src/config.js';
import { retryDelay, StartCancelled, transientCause } from '../src/connect.js';
import { LocalDiscord } from '../tools/local-discord/index.js';
import { memoryLogger } from './support/log.js';
import { tempDir } from './support/temp.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function setup(apiUrl: string, token = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.GhIjKl.abcdefghijklmnopqrstuvwxyz0123456789AB') {
  const tmp = tempDir();
  cleanups.push(tmp.cleanup);
  const file = join(tmp.dir, 'bot.sqlite');
  const config = loadConfig({ DISCORD_TOKEN: token, DISCORD_API_URL: apiUrl, STORAGE_URL: `sqlite://${file}`, LOG_LEVEL: 'debug' });
  const { log, lines, text } = memoryLogger('debug');
  const retries = () => lines().filter((l) => String(l.msg).startsWith('Discord is not reachable'));
  return { config, log, lines, text, retries, file };
}

async function listen(server: Server | ReturnType<typeof createTcpServer>): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

async function until<T>(read: () => T | undefined, what: string, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('the wait between tries', () => {
  it('doubles from 1 s to a 60 s cap, moved by at most 20 % either way', () => {
    const policy = { firstDelayMs: 1000, maxDelayMs: 60_000 };
    expect([1, 2, 3, 4, 5, 6, 7, 8, 50].map((n) => retryDelay(n, policy, () => 0.5))).toEqual([1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000, 60_000]);
    expect(retryDelay(1, policy, () => 0)).toBe(800);
    expect(retryDelay(1, policy, () => 1)).toBe(1200);
    expect(retryDelay(6, policy, () => 1)).toBe(38_400);
    expect(retryDelay(7, policy, () => 1)).toBe(60_000);
    expect(retryDelay(7, policy, () => 0)).toBe(48_000);
  });

  it('counts network failures, timeouts and 5xx as worth waiting for, and nothing else', () => {
    const system = (code: string, message: string) => Object.assign(new Error(message), { code });
    expect(transientCause(system('ENOTFOUND', 'getaddrinfo ENOTFOUND discord.com'))).toBe('getaddrinfo ENOTFOUND discord.com');
    expect(transientCause(new TypeError('fetch failed', { cause: system('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:9') }))).toBe('connect ECONNREFUSED 127.0.0.1:9');
    const both = new AggregateError([system('ECONNREFUSED', 'connect ECONNREFUSED ::1:9'), system('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:9')], '');
    expect(transientCause(new TypeError('fetch failed', { cause: Object.assign(both, { code: 'ECONNREFUSED' }) }))).toBe('connect ECONNREFUSED ::1:9');
    expect(transientCause(system('UND_ERR_CONNECT_TIMEOUT', 'Connect Timeout Error'))).toBe('Connect Timeout Error');
    expect(transientCause(Object.assign(new Error('This operation was aborted'), { name: 'AbortError' }))).toBe('no answer in time');
    expect(transientCause(Object.assign(new Error('Bad Gateway'), { status: 502 }))).toBe('Discord answered HTTP 502');
    // A rejected token and a refused intent stop the start.
    expect(transientCause(Object.assign(new Error('An invalid token was provided.'), { code: 'TokenInvalid' }))).toBeUndefined();
    expect(transientCause(new Error('Authentication failed'))).toBeUndefined();
    expect(transientCause(Object.assign(new Error('Used disallowed intents'), { code: 4014 }))).toBeUndefined();
    expect(transientCause(Object.assign(new Error('Unauthorized'), { status: 401 }))).toBeUndefined();
  });
});

describe('starting while Discord cannot be reached', () => {
  it('waits out a Discord answering 503, one warning per try, then starts', async () => {
    const discord = await LocalDiscord.start();
    cleanups.push(() => discord.stop());
    discord.failNext('GET /gateway', { status: 503, count: 2 });
    const s = setup(discord.apiUrl, discord.token);
    const bot = await startBot({ config: s.config, log: s.log, retry: { firstDelayMs: 20 } });
    cleanups.push(() => bot.stop());

    expect(s.retries().map((l) => [l.attempt, l.cause, l.url])).toEqual([
      [1, 'Discord answered HTTP 503', `${discord.apiUrl}/v10/gateway`],
      [2, 'Discord answered HTTP 503', `${discord.apiUrl}/v10/gateway`],
    ]);
    // The token went out only once the API answered: the two refused probes carried none.
    const probes = discord.calls.filter((c) => c.route === 'GET /gateway').map((c) => c.status);
    expect(probes).toEqual([503, 503, 200]);
    expect(s.lines().filter((l) => Number(l.level) >= 40)).toEqual(s.retries());
    expect(s.lines().some((l) => l.msg === 'ready')).toBe(true);
    expect(s.text()).not.toContain(discord.token);
  });

  it('counts a server that never answers as a failed try after the try timeout, and stops on abort, closing the storage', async () => {
    const held: Socket[] = [];
    const silent = createTcpServer((socket) => held.push(socket));
    const port = await listen(silent);
    cleanups.push(() => new Promise<void>((resolve) => {
      for (const socket of held) socket.destroy();
      silent.close(() => resolve());
    }));
    const s = setup(`http://127.0.0.1:${port}/api`);
    const abort = new AbortController();
    const start = startBot({ config: s.config, log: s.log, signal: abort.signal, retry: { firstDelayMs: 20, attemptTimeoutMs: 200 } });
    start.catch(() => {});

    await until(() => (s.retries().length >= 2 ? true : undefined), 'two failed tries');
    abort.abort();
    await expect(start).rejects.toBeInstanceOf(StartCancelled);
    const retries = s.retries();
    expect(retries.slice(0, 2).map((l) => l.cause)).toEqual(['no answer within 0.2 s', 'no answer within 0.2 s']);
    // The storage was opened and closed again: SQLite removes the WAL file when its last connection closes.
    expect(existsSync(s.file)).toBe(true);
    expect(existsSync(`${s.file}-wal`)).toBe(false);
    // Nothing more is tried after the abort.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(s.retries()).toHaveLength(retries.length);
  });

  it('counts a gateway that cannot be reached (the API answers, WebSockets are blocked) as a failed try instead of waiting forever', async () => {
    const closedPort = await (async () => {
      const probe = createTcpServer();
      const port = await listen(probe);
      await new Promise<void>((resolve) => probe.close(() => resolve()));
      return port;
    })();
    const gateway = `ws://127.0.0.1:${closedPort}`;
    const requests: string[] = [];
    const api = createServer((req, res) => {
      requests.push(String(req.url));
      res.setHeader('content-type', 'application/json');
      const limit = { total: 1000, remaining: 999, reset_after: 1000, max_concurrency: 1 };
      res.end(JSON.stringify(req.url?.endsWith('/gateway/bot') ? { url: gateway, shards: 1, session_start_limit: limit } : { url: gateway }));
    });
    const port = await listen(api);
    cleanups.push(() => new Promise<void>((resolve) => {
      api.closeAllConnections();
      api.close(() => resolve());
    }));
    const s = setup(`http://127.0.0.1:${port}/api`);
    const abort = new AbortController();
    const start = startBot({ config: s.config, log: s.log, signal: abort.signal, retry: { firstDelayMs: 20, readyTimeoutMs: 400 } });
    start.catch(() => {});

    await until(() => (s.retries().length >= 2 ? true : undefined), 'two failed tries');
    abort.abort();
    await expect(start).rejects.toBeInstanceOf(StartCancelled);
    for (const line of s.retries()) {
      expect(line).toMatchObject({ url: `${gateway}/`, cause: 'the gateway did not become ready within 0.4 s' });
    }
    // Each try asked the API again from the start.
    expect(requests.filter((r) => r === '/api/v10/gateway').length).toBeGreaterThanOrEqual(2);
    expect(s.text()).not.toContain(s.config.DISCORD_TOKEN);
  });

  it('stops at once when DISCORD_API_URL answers like something that is not a Discord API', async () => {
    const requests: string[] = [];
    const other = createServer((req, res) => {
      requests.push(`${req.method} ${req.url}`);
      res.writeHead(404).end('not here');
    });
    const port = await listen(other);
    cleanups.push(() => new Promise<void>((resolve) => other.close(() => resolve())));
    const s = setup(`http://127.0.0.1:${port}/wrong`);
    const error = await startBot({ config: s.config, log: s.log, retry: { firstDelayMs: 20 } }).catch((e: unknown) => e as Error);
    expect((error as Error).message).toBe(`http://127.0.0.1:${port}/wrong/v10/gateway answered HTTP 404, which a Discord API never does here: check DISCORD_API_URL`);
    expect(requests).toEqual(['GET /wrong/v10/gateway']);
    expect(s.retries()).toEqual([]);
  });
});
