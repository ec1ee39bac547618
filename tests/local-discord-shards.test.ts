import { fileURLToPath } from 'node:url';
import { Client, GatewayIntentBits, Routes, ShardingManager, type ClientOptions, type GatewayDispatchPayload } from 'discord.js';
import { WebSocket } from 'ws';
import { afterEach, describe, expect, test } from 'vitest';
import { LocalDiscord, shardOf, snowflake, snowflakeOnShard, type LocalDiscordOptions } from '../tools/local-discord/index.js';

const SHARD_SCRIPT = fileURLToPath(new URL('./fixtures/shard-client.mjs', import.meta.url));

interface Seen {
  t: string;
  shard: number;
  guildId: string | undefined;
  /** READY only: the guild ids it lists. */
  guilds?: string[];
}

let discord: LocalDiscord | undefined;
const clients: Client[] = [];
let manager: ShardingManager | undefined;

afterEach(async () => {
  for (const shard of manager?.shards.values() ?? []) shard.kill();
  manager = undefined;
  await Promise.all(clients.splice(0).map((c) => c.destroy()));
  await discord?.stop();
  discord = undefined;
});

async function start(options: LocalDiscordOptions): Promise<LocalDiscord> {
  discord = await LocalDiscord.start(options);
  return discord;
}

/** A real discord.js client logged in to the stand-in; `seen` lists every dispatch with the shard it came in on. */
async function login(d: LocalDiscord, options: Partial<ClientOptions> = {}): Promise<{ client: Client; seen: Seen[] }> {
  const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: d.apiUrl }, ...options });
  clients.push(client);
  const seen: Seen[] = [];
  client.on('raw', (packet: GatewayDispatchPayload, shard: number) => {
    const data = packet.d as { guild_id?: string; id?: string } | null;
    const guildId = packet.t === 'GUILD_CREATE' || packet.t === 'GUILD_DELETE' ? data?.id : data?.guild_id;
    const guilds = packet.t === 'READY' ? packet.d.guilds.map((g) => g.id).sort() : undefined;
    seen.push({ t: packet.t, shard, guildId, ...(guilds ? { guilds } : {}) });
  });
  const ready = new Promise<void>((resolve) => client.once('clientReady', () => resolve()));
  await client.login(d.token);
  await ready;
  return { client, seen };
}

/** Guild ids by the shard that got their GUILD_CREATE. */
function guildCreatesByShard(seen: Seen[]): Record<number, string[]> {
  const out: Record<number, string[]> = {};
  for (const s of seen) if (s.t === 'GUILD_CREATE' && s.guildId) (out[s.shard] ??= []).push(s.guildId);
  for (const ids of Object.values(out)) ids.sort();
  return out;
}

/** A raw IDENTIFY; resolves with the close code, or 0 when READY arrives instead. */
function identify(d: LocalDiscord, shard: unknown): Promise<number> {
  const ws = new WebSocket(`${d.gatewayUrl}/?v=10&encoding=json`);
  return new Promise<number>((resolve) => {
    ws.once('message', () => ws.send(JSON.stringify({ op: 2, d: { token: d.token, intents: 1, properties: {}, ...(shard === undefined ? {} : { shard }) } })));
    ws.on('message', (data: Buffer) => {
      if ((JSON.parse(data.toString()) as { t?: string }).t === 'READY') {
        ws.close();
        resolve(0);
      }
    });
    ws.on('close', (code) => resolve(code));
  });
}

const idsOnShard = (d: LocalDiscord, shard: number, count: number): string[] =>
  [...d.state.guilds.keys()].filter((id) => d.shardOf(id, count) === shard).sort();

describe('sharded gateway', () => {
  test('GET /gateway/bot reports the recommended shards and max_concurrency (1 and 1 unless configured)', async () => {
    const d = await start({});
    const plain = await fetch(`${d.apiUrl}/v10/gateway/bot`, { headers: { authorization: `Bot ${d.token}` } });
    expect(await plain.json()).toMatchObject({ url: d.gatewayUrl, shards: 1, session_start_limit: { max_concurrency: 1 } });
    await d.stop();

    const s = await start({ recommendedShards: 4, maxConcurrency: 2 });
    const res = await fetch(`${s.apiUrl}/v10/gateway/bot`, { headers: { authorization: `Bot ${s.token}` } });
    expect(await res.json()).toMatchObject({ shards: 4, session_start_limit: { max_concurrency: 2 } });
  });

  test('guilds made for a shard land on it; fixture guilds are spread evenly', async () => {
    const d = await start({ guilds: 6, recommendedShards: 3 });
    expect([0, 1, 2].map((k) => idsOnShard(d, k, 3).length)).toEqual([2, 2, 2]);
    expect(d.shardOf(d.guild.id, 3)).toBe(0);
    for (const [k, n] of [[0, 5], [3, 5], [4, 5], [1, 2], [0, 1]] as const) {
      const g = d.addGuild({ name: `on-${k}-of-${n}`, shard: [k, n] });
      expect(Number((BigInt(g.id) >> 22n) % BigInt(n))).toBe(k);
    }
    expect(() => d.addGuild({ name: 'nowhere', shard: [2, 2] })).toThrow(/No shard 2 of 2/);

    // Shard-placed ids come from the one sequence: mixed with plain ones they stay unique and ordered.
    const ids = Array.from({ length: 300 }, (_, i) => (i % 3 === 0 ? snowflake() : snowflakeOnShard(i % 7, 7)));
    expect(ids.map(BigInt)).toEqual([...ids.map(BigInt)].sort((a, b) => (a < b ? -1 : 1)));
    expect(new Set(ids).size).toBe(300);
    ids.forEach((id, i) => {
      if (i % 3 !== 0) expect(shardOf(id, 7)).toBe(i % 7);
    });
  });

  test('a client with shards [0, 1] gets each guild only on its owning shard, and guild events follow', async () => {
    const d = await start({ guilds: 4, recommendedShards: 2, maxConcurrency: 2 });
    const { client, seen } = await login(d, { intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages], shards: [0, 1], shardCount: 2 });
    expect(d.connectedShards()).toEqual([0, 1]);
    expect(d.gatewaySessions().map((s) => s.shard).sort()).toEqual([[0, 2], [1, 2]]);

    // READY lists only the shard's guilds, and only they arrive as GUILD_CREATE on it.
    expect(seen.filter((s) => s.t === 'READY').sort((x, y) => x.shard - y.shard).map((s) => s.guilds)).toEqual([idsOnShard(d, 0, 2), idsOnShard(d, 1, 2)]);
    expect(guildCreatesByShard(seen)).toEqual({ 0: idsOnShard(d, 0, 2), 1: idsOnShard(d, 1, 2) });
    expect(idsOnShard(d, 1, 2)).toHaveLength(2);
    expect(client.guilds.cache.size).toBe(4);
    for (const guild of client.guilds.cache.values()) expect(guild.shardId).toBe(d.shardOf(guild.id, 2));

    // An interaction in a guild of shard 1 reaches shard 1 only.
    await client.rest.put(Routes.applicationCommands(d.applicationId), { body: [{ name: 'ping', description: 'Ping' }] });
    client.on('interactionCreate', (i) => {
      if (i.isChatInputCommand()) void i.reply(`pong from shard ${i.guild?.shardId}`);
    });
    const [onShard1] = idsOnShard(d, 1, 2) as [string];
    const channel = d.channel('channel-1', onShard1);
    const run = d.runCommand({ user: d.member, channelId: channel.id, name: 'ping' });
    expect((await run.reply()).content).toBe('pong from shard 1');
    expect(seen.filter((s) => s.t === 'INTERACTION_CREATE').map((s) => s.shard)).toEqual([1]);

    // A message the bot posts in a shard-0 guild comes back as MESSAGE_CREATE on shard 0.
    await client.rest.post(Routes.channelMessages(d.channels.general.id), { body: { content: 'hello' } });
    await d.waitFor(() => seen.some((s) => s.t === 'MESSAGE_CREATE'));

    // A new guild, a channel in it, and leaving it: each event once, on the owning shard.
    const late = d.addGuild({ name: 'late', shard: [1, 2] });
    d.addChannel('news', { guildId: late.id });
    d.removeBot(late.id);
    await d.waitFor(() => seen.some((s) => s.t === 'GUILD_DELETE'));
    const forLate = seen.filter((s) => s.guildId === late.id).map((s) => `${s.t}@${s.shard}`);
    expect(forLate).toEqual(['GUILD_CREATE@1', 'CHANNEL_CREATE@1', 'GUILD_DELETE@1']);

    // No dispatch of any guild ever reached a shard that does not own it.
    expect(seen.filter((s) => s.guildId && d.shardOf(s.guildId, 2) !== s.shard)).toEqual([]);
    // Two messages: the reply in shard 1's guild, the post in g1 (shard 0).
    expect(seen.filter((s) => s.t === 'MESSAGE_CREATE').map((s) => `${s.guildId === d.guild.id ? 'g1' : 'other'}@${s.shard}`)).toEqual(['other@1', 'g1@0']);
  });

  test('events without a guild (DMs) go to shard 0 only', async () => {
    const d = await start({ guilds: 2, recommendedShards: 2, maxConcurrency: 2 });
    const { seen } = await login(d, { shards: [0, 1], shardCount: 2 });
    expect(d.dispatchRaw({ t: 'TYPING_START', d: { channel_id: '1', user_id: d.member.id, timestamp: 0 } })).toBe(1);
    await d.waitFor(() => seen.some((s) => s.t === 'TYPING_START'));
    expect(seen.filter((s) => s.t === 'TYPING_START').map((s) => s.shard)).toEqual([0]);
  });

  test("a client with shards: 'auto' starts the recommended number of shards", async () => {
    const d = await start({ guilds: 4, recommendedShards: 2, maxConcurrency: 2 });
    const { client } = await login(d, { shards: 'auto' });
    expect(client.options.shardCount).toBe(2);
    expect(d.connectedShards()).toEqual([0, 1]);
    expect(new Set(client.guilds.cache.map((g) => g.shardId))).toEqual(new Set([0, 1]));
  });

  test('an invalid shard is closed with 4010; discord.js reports it and gives up', async () => {
    const d = await start({ guilds: 2 });
    for (const bad of [[2, 2], [-1, 2], [0, 0], ['0', 2], [0.5, 2], [0], 'x']) expect(await identify(d, bad)).toBe(4010);
    expect(await identify(d, [1, 2])).toBe(0);
    expect(await identify(d, undefined)).toBe(0);

    const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: d.apiUrl }, shards: [2], shardCount: 2 });
    clients.push(client);
    const disconnects: number[] = [];
    client.on('shardDisconnect', (event) => disconnects.push(event.code));
    await expect(client.login(d.token)).rejects.toThrow('Invalid shard');
    expect(disconnects).toEqual([4010]);
  });

  test('a session that would hold more guilds than maxGuildsPerShard is closed with 4011; enough shards connect', async () => {
    const d = await start({ guilds: 3, maxGuildsPerShard: 2, spreadGuildsOver: 2 });
    expect(await identify(d, undefined)).toBe(4011);
    expect(await identify(d, [0, 1])).toBe(4011);
    expect(await identify(d, [0, 2])).toBe(0);

    const unsharded = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: d.apiUrl } });
    clients.push(unsharded);
    await expect(unsharded.login(d.token)).rejects.toThrow('Sharding is required');

    d.recommendedShards = 2;
    const { client } = await login(d, { shards: 'auto', ws: { buildIdentifyThrottler: () => Promise.resolve({ waitForIdentify: () => Promise.resolve() }) } });
    expect(client.guilds.cache.size).toBe(3);
    expect(d.connectedShards()).toEqual([0, 1]);
  });

  test('killShard(1) makes shard 1 resume (or identify again when refused) while shard 0 keeps its session', async () => {
    const d = await start({ guilds: 4, recommendedShards: 2, maxConcurrency: 2 });
    // A second IDENTIFY within 5 s waits out @discordjs/ws's throttle; this test does not need it.
    const noThrottle = { buildIdentifyThrottler: () => Promise.resolve({ waitForIdentify: () => Promise.resolve() }) };
    const { client } = await login(d, { shards: [0, 1], shardCount: 2, ws: noThrottle });
    const sessionOf = (k: number): string | undefined => d.gatewaySessions().find((s) => s.shard[0] === k && s.connected)?.sessionId;
    const shard0 = sessionOf(0);
    const shard1 = sessionOf(1);
    const identifies = d.identifies;

    expect(d.killShard(1)).toBe(1);
    expect(d.connectedShards()).toEqual([0]);
    // Sent while shard 1 is down: replayed on RESUME.
    const missed = d.addGuild({ name: 'missed', shard: [1, 2] });
    await d.waitForShards([0, 1]);
    await d.waitFor(() => client.guilds.cache.get(missed.id));
    expect(d.resumes).toBe(1);
    expect(d.identifies).toBe(identifies);
    expect(sessionOf(1)).toBe(shard1);
    expect(sessionOf(0)).toBe(shard0);
    expect(client.guilds.cache.get(missed.id)?.shardId).toBe(1);

    expect(d.killShard(1, { resumable: false })).toBe(1);
    await d.waitForShards([0, 1]);
    await d.waitFor(() => d.identifies === identifies + 1 || undefined);
    expect(sessionOf(1)).not.toBe(shard1);
    expect(sessionOf(0)).toBe(shard0);
    expect(d.resumes).toBe(1);
    expect(d.gatewaySessions().filter((s) => s.shard[0] === 1)).toHaveLength(1);

    // Both shards still serve their guilds.
    const later = d.addGuild({ name: 'later', shard: [1, 2] });
    await d.waitFor(() => client.guilds.cache.get(later.id));
    expect(d.killShard(5)).toBe(0);
  });

  test('two clients, one per shard (as ShardingManager runs them), each see only their guilds', async () => {
    const d = await start({ guilds: 4, recommendedShards: 2 });
    const a = await login(d, { shards: 0, shardCount: 2 });
    const b = await login(d, { shards: 1, shardCount: 2 });
    expect([...a.client.guilds.cache.keys()].sort()).toEqual(idsOnShard(d, 0, 2));
    expect([...b.client.guilds.cache.keys()].sort()).toEqual(idsOnShard(d, 1, 2));
    expect(d.connectedShards()).toEqual([0, 1]);

    await a.client.rest.put(Routes.applicationCommands(d.applicationId), { body: [{ name: 'ping', description: 'Ping' }] });
    const answered: string[] = [];
    for (const [name, c] of [['a', a.client], ['b', b.client]] as const) {
      c.on('interactionCreate', (i) => {
        answered.push(name);
        if (i.isChatInputCommand()) void i.reply(`pong from ${name}`);
      });
    }
    const [onShard1] = idsOnShard(d, 1, 2) as [string];
    const run = d.runCommand({ user: d.member, channelId: d.channel('channel-1', onShard1).id, name: 'ping' });
    expect((await run.reply()).content).toBe('pong from b');
    const run0 = d.runCommand({ user: d.member, channelId: d.channels.quiz.id, name: 'ping' });
    expect((await run0.reply()).content).toBe('pong from a');
    expect(answered).toEqual(['b', 'a']);
    expect(a.seen.filter((s) => s.guildId && d.shardOf(s.guildId, 2) !== 0)).toEqual([]);
    expect(b.seen.filter((s) => s.guildId && d.shardOf(s.guildId, 2) !== 1)).toEqual([]);
  });

  test("discord.js's ShardingManager runs one process per shard, each with its own guilds", async () => {
    const d = await start({ guilds: 4, recommendedShards: 2 });
    manager = new ShardingManager(SHARD_SCRIPT, { totalShards: 2, token: d.token, respawn: false, shardArgs: [d.apiUrl] });
    await manager.spawn({ delay: 0, timeout: 15_000 });
    const reports = await manager.broadcastEval((c) => ({ shards: c.shard?.ids ?? [], guilds: [...c.guilds.cache.keys()].sort() }));
    expect(reports).toEqual([
      { shards: [0], guilds: idsOnShard(d, 0, 2) },
      { shards: [1], guilds: idsOnShard(d, 1, 2) },
    ]);
    expect(d.connectedShards()).toEqual([0, 1]);
    expect(new Set(manager.shards.map((s) => s.process?.pid)).size).toBe(2);
  }, 30_000);
});
