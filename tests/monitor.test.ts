/**
 * /healthz and /metrics (METRICS_PORT) on the real bot against the local
 * Discord stand-in: health follows the gateway and the storage, metrics count
 * every interaction outcome in one place, and each bot has its own registry.
 */
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startBot } from '../src/bot.js';
import { loadConfig } from '../src/config.js';
import { checkHealth } from '../src/health.js';
import { noMetrics } from '../src/metrics.js';
import { Metrics } from '../src/metrics-prometheus.js';
import { startMonitorServer } from '../src/monitor-server.js';
import type { Store } from '../src/storage/store.js';
import { ManualClock } from '../tools/manual-clock.js';
import { LocalDiscord, type MessageRecord, type UserRecord } from '../tools/local-discord/index.js';
import { messageJson } from '../tools/local-discord/payloads.js';
import { startTestBot, type TestBot } from './support/bot.js';
import { silentLogger } from './support/log.js';
import { tempDir } from './support/temp.js';

const get = async (url: string) => {
  const response = await fetch(url);
  return { status: response.status, type: response.headers.get('content-type'), body: await response.text() };
};

/** `name{labels} value` lines of a Prometheus text exposition, as a map from `name{labels}` to value. */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

async function metricsOf(t: TestBot): Promise<Map<string, number>> {
  const response = await get(`${t.bot.monitor!.url}/metrics`);
  expect(response.status).toBe(200);
  expect(response.type).toBe('text/plain; version=0.0.4; charset=utf-8');
  return samples(response.body);
}

async function until<T>(read: () => Promise<T | undefined>, what: string, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('/healthz', () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startTestBot({ env: { METRICS_PORT: '0' } });
  });
  afterAll(() => t.stop());

  it('listens on 127.0.0.1 only unless METRICS_HOST says otherwise', () => {
    expect(t.bot.monitor!.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(t.logs().some((l) => l.msg === `serving ${t.bot.monitor!.url}/healthz and ${t.bot.monitor!.url}/metrics`)).toBe(true);
  });

  it('is 200 while ready, 503 with the reason while the gateway is down, and 200 again once it is back', async () => {
    const { discord } = t;
    const healthz = `${t.bot.monitor!.url}/healthz`;
    expect(await get(healthz)).toEqual({ status: 200, type: 'text/plain; charset=utf-8', body: 'ok\n' });
    const identifies = discord.identifies;

    // The resume is refused, so the bot must identify again (after discord.js's 5 s identify throttle): a long enough outage to see.
    discord.refuseResume(1);
    expect(discord.dropSocket()).toBeGreaterThan(0);
    const down = await until(async () => {
      const r = await get(healthz);
      return r.status === 503 ? r : undefined;
    }, '/healthz to turn 503');
    expect(down.body).toMatch(/^Discord gateway not ready \(shard 0: (connecting|resuming|identifying|reconnecting|waiting for guilds)\)\n$/);
    expect((await metricsOf(t)).get('sourcing_bot_gateway_ready')).toBe(0);

    const up = await until(async () => {
      const r = await get(healthz);
      return r.status === 200 ? r : undefined;
    }, '/healthz to turn 200 again');
    expect(up.body).toBe('ok\n');
    expect(discord.identifies).toBe(identifies + 1);
    expect((await metricsOf(t)).get('sourcing_bot_gateway_ready')).toBe(1);
    // And the bot answers again.
    expect((await discord.runCommand({ user: discord.member, channelId: discord.channels.general.id, name: 'help' }).response()).type).toBe(4);
  });

  it('is 503 when the storage does not answer a read in time, or fails it', async () => {
    const hanging = { ...t.bot.services.store, get: () => new Promise<never>(() => {}) } as Store;
    const failing = { ...t.bot.services.store, get: () => Promise.reject(new Error('SQLITE_IOERR: disk I/O error\nat line 2')) } as Store;
    const ready = t.bot.client;
    expect(await checkHealth(ready, t.bot.services.store)).toEqual({ ok: true });
    expect(await checkHealth(ready, hanging, 100)).toEqual({ ok: false, reason: 'storage did not answer a read within 100 ms' });
    expect(await checkHealth(ready, failing)).toEqual({ ok: false, reason: 'storage read failed: SQLITE_IOERR: disk I/O error' });
    // The same through a monitor server, as a supervisor would see it.
    const server = await startMonitorServer({ host: '127.0.0.1', port: 0, metrics: new Metrics(), health: () => checkHealth(ready, hanging, 100), log: silentLogger() });
    try {
      expect(await get(`${server.url}/healthz`)).toMatchObject({ status: 503, body: 'storage did not answer a read within 100 ms\n' });
    } finally {
      await server.close();
    }
  });

  it('answers only /healthz and /metrics, and only to GET and HEAD', async () => {
    const base = t.bot.monitor!.url;
    expect(await get(`${base}/`)).toMatchObject({ status: 404, body: 'not found: this server answers /healthz and /metrics\n' });
    const post = await fetch(`${base}/healthz`, { method: 'POST', body: 'x' });
    expect([post.status, post.headers.get('allow')]).toEqual([405, 'GET, HEAD']);
    const head = await fetch(`${base}/healthz`, { method: 'HEAD' });
    expect([head.status, await head.text()]).toEqual([200, '']);
  });
});

describe('/metrics', () => {
  const clock = new ManualClock(Date.UTC(2025, 2, 1, 12));
  let t: TestBot;
  beforeAll(async () => {
    t = await startTestBot({ clock, env: { METRICS_PORT: '0' } });
  });
  afterAll(() => t.stop());

  function componentPayload(user: UserRecord, message: MessageRecord, customId: string): Record<string, unknown> {
    const payload = t.discord.commandPayload({ user, channelId: message.channel_id, name: 'help' });
    return { ...payload, type: 3, data: { custom_id: customId, component_type: 2 }, message: messageJson(t.discord.state, message) };
  }

  it('counts an interaction of each outcome under its command, with its latency', async () => {
    const { discord } = t;
    const channelId = discord.channels.general.id;
    const before = await metricsOf(t);
    const count = (m: Map<string, number>, command: string, outcome: string) => m.get(`sourcing_bot_interactions_total{command="${command}",outcome="${outcome}"}`) ?? 0;

    // ok
    expect((await discord.runCommand({ user: discord.member, channelId, name: 'help' }).response()).type).toBe(4);
    // refused: a UserError (no such paragraph)
    const excerpt = discord.commandPayload({ user: discord.member, channelId, name: 'excerpt', options: { paragraph: 1 } });
    (excerpt.data as { options: Array<{ value: unknown }> }).options[0]!.value = 9999;
    expect((await discord.dispatchRaw({ t: 'INTERACTION_CREATE', d: excerpt }).response()).data?.content).toMatch(/no ¶9999/);
    // malformed: a required option left out
    const cancel = discord.commandPayload({ user: discord.moderator, channelId, name: 'prompt', subcommand: 'cancel', options: { id: 'abc' } });
    (cancel.data as { options: Array<{ options: unknown[] }> }).options[0]!.options = [];
    expect((await discord.dispatchRaw({ t: 'INTERACTION_CREATE', d: cancel }).response()).data?.flags).toBe(64);
    // error: a bug inside the handler
    const store = t.bot.services.store;
    const original = store.get;
    store.get = () => {
      store.get = original;
      throw new TypeError('boom');
    };
    expect((await discord.runCommand({ user: discord.member, channelId, name: 'quiz', subcommand: 'score' }).response()).data?.content).toMatch(/^Sorry, something went wrong/);

    const after = await metricsOf(t);
    const delta = (command: string, outcome: string) => count(after, command, outcome) - count(before, command, outcome);
    expect([delta('/help', 'ok'), delta('/excerpt', 'refused'), delta('/prompt cancel', 'malformed'), delta('/quiz score', 'error')]).toEqual([1, 1, 1, 1]);
    for (const command of ['/help', '/excerpt', '/prompt cancel', '/quiz score']) {
      const handled = (after.get(`sourcing_bot_interaction_duration_seconds_count{command="${command}"}`) ?? 0) - (before.get(`sourcing_bot_interaction_duration_seconds_count{command="${command}"}`) ?? 0);
      expect(handled, command).toBe(1);
      expect(after.get(`sourcing_bot_interaction_duration_seconds_bucket{le="+Inf",command="${command}"}`), command).toBeGreaterThanOrEqual(1);
    }
  });

  it('names a forged command or button "unknown" instead of adding a series per name', async () => {
    const { discord } = t;
    const channelId = discord.channels.general.id;
    const forged = discord.commandPayload({ user: discord.member, channelId, name: 'help' });
    (forged.data as Record<string, unknown>).name = 'launch-missiles';
    await discord.dispatchRaw({ t: 'INTERACTION_CREATE', d: forged }).response();
    const excerpt = await discord.runCommand({ user: discord.member, channelId, name: 'excerpt', options: { paragraph: 3 } }).reply();
    await discord.dispatchRaw({ t: 'INTERACTION_CREATE', d: componentPayload(discord.member2, excerpt, 'bogus:a:1') }).response();
    const back = (excerpt.components as Array<{ components: Array<{ custom_id: string }> }>)[0]!.components[0]!.custom_id;
    expect((await discord.clickButton({ user: discord.member2, messageId: excerpt.id, customId: back }).response()).type).toBe(4);

    const text = (await get(`${t.bot.monitor!.url}/metrics`)).body;
    expect(text).not.toContain('launch-missiles');
    expect(text).not.toContain('bogus');
    const m = samples(text);
    expect(m.get('sourcing_bot_interactions_total{command="unknown",outcome="refused"}')).toBe(2);
    expect(m.get(`sourcing_bot_interactions_total{command="component ${back.split(':')[0]}",outcome="ok"}`)).toBe(1);
  });

  it('times storage operations by operation, counts scheduled posts by result, and reports the gateway and the process', async () => {
    const { discord } = t;
    const reply = await discord
      .runCommand({ user: discord.moderator, channelId: discord.channels.general.id, name: 'prompt', subcommand: 'schedule', options: { channel: { id: discord.channels.prompts.id }, when: 'in 1m' } })
      .reply();
    expect(reply.content).toMatch(/^Scheduled /);
    await clock.advance(61_000);
    await t.bot.services.schedules.idle();
    await discord.waitForMessage(discord.channels.prompts.id, (m) => Boolean(m.thread_id));

    const m = await metricsOf(t);
    expect(m.get('sourcing_bot_scheduled_posts_total{result="posted"}')).toBe(1);
    expect(m.get('sourcing_bot_scheduled_posts_total{result="failed"}')).toBe(0);
    expect(m.get('sourcing_bot_scheduled_posts_total{result="skipped"}')).toBe(0);
    for (const op of ['get', 'update', 'scan']) expect(m.get(`sourcing_bot_storage_operation_duration_seconds_count{op="${op}"}`), op).toBeGreaterThan(0);
    expect(m.get('sourcing_bot_gateway_ready')).toBe(1);
    // No heartbeat is acknowledged yet with the stand-in's 41 s interval: NaN says "unknown", not 0 ms.
    expect(m.has('sourcing_bot_gateway_ping_seconds')).toBe(true);
    expect(m.get('process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(m.has('nodejs_heap_size_used_bytes')).toBe(true);
  });
});

describe('the metrics server and the bot', () => {
  const opened: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const close of opened.splice(0).reverse()) await close();
  });

  it('gives each bot its own registry, and stops serving when the bot stops', async () => {
    const one = await startTestBot({ env: { METRICS_PORT: '0' } });
    opened.push(() => one.stop());
    const two = await startTestBot({ env: { METRICS_PORT: '0' } });
    let twoStopped = false;
    opened.push(() => (twoStopped ? undefined : two.stop()));
    expect(one.bot.monitor!.url).not.toBe(two.bot.monitor!.url);

    await one.discord.runCommand({ user: one.discord.member, channelId: one.discord.channels.general.id, name: 'help' }).response();
    expect((await metricsOf(one)).get('sourcing_bot_interactions_total{command="/help",outcome="ok"}')).toBe(1);
    expect((await metricsOf(two)).get('sourcing_bot_interactions_total{command="/help",outcome="ok"}')).toBeUndefined();

    const url = two.bot.monitor!.url;
    await two.stop();
    twoStopped = true;
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  });

  it('refuses to start on a METRICS_PORT already in use, saying so, and leaves nothing open', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    opened.push(() => new Promise<void>((resolve) => taken.close(() => resolve())));
    const port = (taken.address() as AddressInfo).port;
    const discord = await LocalDiscord.start();
    opened.push(() => discord.stop());
    const tmp = tempDir();
    opened.push(tmp.cleanup);
    const config = loadConfig({ DISCORD_TOKEN: discord.token, DISCORD_API_URL: discord.apiUrl, STORAGE_URL: `sqlite://${join(tmp.dir, 'bot.sqlite')}`, METRICS_PORT: String(port) });

    const error = await startBot({ config, log: silentLogger() }).catch((e: unknown) => e as Error);
    expect((error as Error).message).toBe(`METRICS_PORT ${port} is already in use on 127.0.0.1: pick another port, or stop what uses it`);
    // Refused before logging in, and the storage opened for it was closed again (SQLite removes the WAL file then).
    expect(discord.identifies).toBe(0);
    expect(discord.calls).toEqual([]);
    expect(existsSync(join(tmp.dir, 'bot.sqlite-wal'))).toBe(false);
  });
});

describe('with METRICS_PORT unset', () => {
  it('serves no monitor and records into the no-op recorder, so prom-client is never loaded', async () => {
    const bot = await startTestBot();
    try {
      expect(bot.bot.monitor).toBeUndefined();
      expect(bot.bot.services.metrics).toBe(noMetrics);
      // A command still works with nothing recording it.
      const reply = await bot.discord.runCommand({ user: bot.discord.member, channelId: bot.discord.channels.general.id, name: 'help' }).reply();
      expect(reply.ephemeral).toBe(true);
    } finally {
      await bot.stop();
    }
  });
});
