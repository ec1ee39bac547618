/**
 * `npm start` when Discord cannot be reached, as an operator sees it: one
 * warning per failed try with the URL, the cause and the next try, never the
 * token; a start once Discord answers; a clean exit on a signal while waiting.
 * And a token that cannot be a token, refused before any network call. The
 * bot runs as a child process.
 */
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runBotToExit, spawnBot, type ChildBot } from './support/child-bot.js';
import { LocalDiscord } from '../tools/local-discord/index.js';
import { tempDir } from './support/temp.js';

// A made-up token in the shape of a real one (its first part is the base64 of an id).
const TOKEN = `${Buffer.from('1098765432109876543').toString('base64url')}.GaBcDe.${'Zx9-_aQ'.repeat(5)}abc`;
const SECRET_PART = TOKEN.split('.')[2]!;

let tmp: ReturnType<typeof tempDir>;
const children: ChildBot[] = [];
const servers: Array<{ stop(): Promise<void> }> = [];
beforeAll(() => {
  tmp = tempDir('sourcing-bot-unreachable-');
});
afterEach(async () => {
  for (const child of children.splice(0)) await child.dispose();
  for (const server of servers.splice(0)) await server.stop();
});
afterAll(() => tmp.cleanup());

/** A port nothing listens on (yet): taken from the OS, then released. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const isRetry = (l: Record<string, unknown>) => String(l.msg).startsWith('Discord is not reachable');

async function healthz(child: ChildBot): Promise<{ status: number; body: string }> {
  const serving = await child.waitForLog((l) => String(l.msg).startsWith('serving '), 20_000, 'the monitor server');
  const response = await fetch(`${String(serving.url)}/healthz`);
  return { status: response.status, body: await response.text() };
}

describe('Discord unreachable at start', () => {
  it('refused connections: one warning per try without the token, /healthz 503, then it starts when the API opens', { timeout: 60_000 }, async () => {
    const port = await freePort();
    const apiUrl = `http://127.0.0.1:${port}/api`;
    const child = spawnBot({ env: { DISCORD_TOKEN: TOKEN, DISCORD_API_URL: apiUrl, STORAGE_URL: `sqlite://${join(tmp.dir, 'refused.sqlite')}`, LOG_LEVEL: 'info', METRICS_PORT: '0' } });
    children.push(child);

    await child.waitForLog((l) => isRetry(l) && l.attempt === 2, 30_000, 'the second failed try');
    expect(await healthz(child)).toEqual({ status: 503, body: 'not connected to Discord yet\n' });
    const discord = await LocalDiscord.start({ token: TOKEN, port });
    servers.push(discord);
    await child.ready(30_000);
    expect(await healthz(child)).toEqual({ status: 200, body: 'ok\n' });

    const retries = child.logs().filter(isRetry);
    expect(retries.length).toBeGreaterThanOrEqual(2);
    const url = `${apiUrl}/v10/gateway`;
    const cause = `connect ECONNREFUSED 127.0.0.1:${port}`;
    retries.forEach((line, i) => {
      expect(line).toMatchObject({ level: 40, attempt: i + 1, url, cause });
      expect(String(line.msg)).toMatch(new RegExp(`^Discord is not reachable at ${url.replace(/[.]/g, '\\.')} \\(${cause.replace(/[.]/g, '\\.')}\\); trying again in \\d+\\.\\d s, at ${String(line.nextTryAt).replace(/[.]/g, '\\.')}$`));
    });
    // 1 s then 2 s (each within 20 %), and each next try came no earlier than announced.
    const waits = retries.map((l) => Date.parse(String(l.nextTryAt)) - Number(l.time));
    expect(waits[0]).toBeGreaterThanOrEqual(795);
    expect(waits[0]).toBeLessThanOrEqual(1200);
    expect(waits[1]).toBeGreaterThanOrEqual(1595);
    expect(waits[1]).toBeLessThanOrEqual(2400);
    for (let i = 1; i < retries.length; i++) expect(Number(retries[i]!.time)).toBeGreaterThanOrEqual(Date.parse(String(retries[i - 1]!.nextTryAt)) - 5);
    // One line per try: nothing else was logged as a warning or an error, and the token appears nowhere.
    expect(child.logs().filter((l) => Number(l.level) >= 40)).toEqual(retries);
    expect(`${child.stdout()}${child.stderr()}`).not.toContain(SECRET_PART);
    // The stand-in saw the probe that succeeded, then the login.
    expect(discord.calls.map((c) => c.route).slice(0, 2)).toEqual(['GET /gateway', 'GET /gateway/bot']);

    child.kill('SIGTERM');
    expect(await child.exited).toEqual({ code: 0, signal: null });
  });

  it('DNS failure: names the host in each warning, and SIGINT during the wait exits 0 at once, storage closed', { timeout: 60_000 }, async () => {
    const file = join(tmp.dir, 'dns.sqlite');
    // .invalid never resolves (RFC 2606); without any DNS server the lookup fails with EAI_AGAIN instead.
    const child = spawnBot({ env: { DISCORD_TOKEN: TOKEN, DISCORD_API_URL: 'http://discord.invalid/api', STORAGE_URL: `sqlite://${file}`, LOG_LEVEL: 'info' } });
    children.push(child);
    const third = await child.waitForLog((l) => isRetry(l) && l.attempt === 3, 30_000, 'the third failed try');
    child.kill('SIGINT');
    const exit = await child.exited;
    const exitedAt = Date.now();

    expect(exit).toEqual({ code: 0, signal: null });
    // It did not sit out the wait (about 4 s after the third try).
    expect(exitedAt).toBeLessThan(Date.parse(String(third.nextTryAt)));
    const retries = child.logs().filter(isRetry);
    expect(retries.map((l) => l.attempt)).toEqual([1, 2, 3]);
    for (const line of retries) {
      expect(line.url).toBe('http://discord.invalid/api/v10/gateway');
      expect(line.cause).toMatch(/^getaddrinfo (ENOTFOUND|EAI_AGAIN) discord\.invalid$/);
    }
    expect(child.logs().map((l) => l.msg).slice(-2)).toEqual(['shutting down', 'stopped before connecting']);
    expect(child.stderr()).toBe('');
    expect(`${child.stdout()}${child.stderr()}`).not.toContain(SECRET_PART);
    // The storage was closed: SQLite removes its WAL file when the last connection closes.
    expect(existsSync(file)).toBe(true);
    expect(existsSync(`${file}-wal`)).toBe(false);
  });
});

describe('a DISCORD_TOKEN that cannot be a token', () => {
  it('is refused by the configuration check: no request leaves, no storage is created, the token is not printed', { timeout: 30_000 }, async () => {
    const requests: string[] = [];
    const recorder: Server = createServer((req, res) => {
      requests.push(`${req.method} ${req.url}`);
      res.writeHead(500).end();
    });
    recorder.on('upgrade', (req, socket) => {
      requests.push(`UPGRADE ${req.url}`);
      socket.destroy();
    });
    await new Promise<void>((resolve) => recorder.listen(0, '127.0.0.1', resolve));
    servers.push({ stop: () => new Promise<void>((resolve) => recorder.close(() => resolve())) });
    const cwd = join(tmp.dir, 'malformed-token');
    mkdirSync(cwd);
    // The client secret pasted instead of the token: 32 characters, no dots.
    const secret = 'q8VZrTn3Xk2pLm9Wd4Hs7Jc1Bv6Ny0Fa';

    const run = await runBotToExit({
      cwd,
      // STORAGE_URL left at its default, sqlite://data/bot.sqlite in the working folder.
      env: { DISCORD_TOKEN: secret, DISCORD_API_URL: `http://127.0.0.1:${(recorder.address() as AddressInfo).port}/api`, METRICS_PORT: '0' },
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('DISCORD_TOKEN looks like the OAuth2 client secret, not the bot token');
    expect(run.stderr).toContain('developer portal (your application → Bot → Reset Token)');
    expect(`${run.stdout}${run.stderr}`).not.toContain(secret);
    expect(requests).toEqual([]);
    expect(readdirSync(cwd)).toEqual([]);
  });
});
