import { inflateSync } from 'node:zlib';
import {
  ActionRowBuilder,
  AttachmentBuilder,
  ButtonBuilder,
  ButtonStyle,
  ChannelType,
  Client,
  DiscordAPIError,
  GatewayIntentBits,
  MessageFlags,
  PermissionFlagsBits,
  Routes,
  StringSelectMenuBuilder,
  type Interaction,
  type TextChannel,
} from 'discord.js';
import { WebSocket } from 'ws';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { LocalDiscord, LocalDiscordError, type LocalDiscordOptions } from '../tools/local-discord/index.js';

const COMMANDS = [
  {
    name: 'quiz',
    description: 'Quiz commands',
    options: [
      {
        type: 1,
        name: 'start',
        description: 'Start a round',
        options: [
          { type: 3, name: 'topic', description: 'Topic', required: true, autocomplete: true },
          { type: 4, name: 'rounds', description: 'How many', min_value: 1, max_value: 10 },
          { type: 6, name: 'host', description: 'Who hosts' },
        ],
      },
      {
        type: 2,
        name: 'admin',
        description: 'Admin',
        options: [{ type: 1, name: 'reset', description: 'Reset', options: [{ type: 7, name: 'where', description: 'Channel', required: true }] }],
      },
    ],
  },
  { name: 'ping', description: 'Ping' },
  { name: 'purge', description: 'Moderators only', default_member_permissions: String(PermissionFlagsBits.ManageMessages) },
];

let discord: LocalDiscord;
let client: Client;

async function connect(options: LocalDiscordOptions = {}): Promise<void> {
  discord = await LocalDiscord.start(options);
  client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: discord.apiUrl } });
  const ready = new Promise<void>((resolve) => client.once('clientReady', () => resolve()));
  await client.login(discord.token);
  await ready;
  await client.rest.put(Routes.applicationCommands(discord.applicationId), { body: COMMANDS });
}

/** Runs `handler` for every interaction; failures are kept so the test can assert on them. */
function onInteraction(handler: (i: Interaction) => Promise<unknown>): unknown[] {
  const errors: unknown[] = [];
  client.on('interactionCreate', (i) => {
    handler(i).catch((err: unknown) => errors.push(err));
  });
  return errors;
}

async function expectApiError(p: Promise<unknown>, status: number, code: number): Promise<DiscordAPIError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DiscordAPIError);
  const apiErr = err as DiscordAPIError;
  expect({ status: apiErr.status, code: apiErr.code }).toEqual({ status, code });
  return apiErr;
}

const textChannel = (id: string): TextChannel => client.channels.cache.get(id) as TextChannel;

beforeEach(async () => {
  await connect();
});

afterEach(async () => {
  await client.destroy();
  await discord.stop();
  expect(discord.serverErrors).toEqual([]);
});

describe('gateway', () => {
  test('READY + GUILD_CREATE populate the discord.js cache', () => {
    const guild = client.guilds.cache.get(discord.guild.id);
    expect(client.user?.id).toBe(discord.bot.id);
    expect(client.application?.id).toBe(discord.applicationId);
    expect(guild?.name).toBe('g1');
    expect(guild?.available).toBe(true);
    expect(guild?.channels.cache.map((c) => c.name).sort()).toEqual(['general', 'locked', 'prompts', 'quiz']);
    expect(guild?.roles.everyone.id).toBe(discord.guild.id);
    expect(guild?.members.me?.id).toBe(discord.bot.id);
    // Overwrites and roles arrive in a shape discord.js computes permissions from.
    expect(textChannel(discord.channels.general.id).permissionsFor(discord.bot.id)?.has('SendMessages')).toBe(true);
    expect(textChannel(discord.channels.locked.id).permissionsFor(discord.bot.id)?.has('SendMessages')).toBe(false);
    expect(discord.identifies).toBe(1);
  });

  test('a dropped socket is RESUMEd and missed dispatches are replayed', async () => {
    const errors = onInteraction(async (i) => {
      if (i.isChatInputCommand()) await i.reply('pong');
    });
    const resumed = new Promise<number>((resolve) => client.once('shardResume', (_id, replayed) => resolve(replayed)));
    expect(discord.dropSocket()).toBe(1);
    // Sent while the bot is disconnected: buffered and replayed on RESUME.
    const run = discord.runCommand({ user: discord.member, channelId: discord.channels.general.id, name: 'ping' });
    expect(run.record.delivered).toBe(false);
    expect(await resumed).toBeGreaterThanOrEqual(1);
    expect((await run.reply()).content).toBe('pong');
    expect({ identifies: discord.identifies, resumes: discord.resumes }).toEqual({ identifies: 1, resumes: 1 });
    expect(errors).toEqual([]);
  });

  test('a refused RESUME forces a fresh IDENTIFY and events still arrive', async () => {
    onInteraction(async (i) => {
      if (i.isChatInputCommand()) await i.reply('still here');
    });
    discord.refuseResume();
    discord.dropSocket();
    // @discordjs/ws waits out its 5 s identify throttle before identifying again.
    await discord.waitFor(() => discord.identifies === 2 && discord.connected, 12_000, 'a second IDENTIFY');
    expect(discord.resumes).toBe(0);
    const run = discord.runCommand({ user: discord.member, channelId: discord.channels.general.id, name: 'ping' });
    expect((await run.reply()).content).toBe('still here');
  }, 20_000);

  test('op 7 Reconnect and a resumable op 9 both end in RESUMED', async () => {
    discord.requestReconnect();
    await discord.waitFor(() => discord.resumes === 1 && discord.connected, 3000, 'RESUME after op 7');
    discord.invalidateSession(true);
    await discord.waitFor(() => discord.resumes === 2 && discord.connected, 3000, 'RESUME after op 9 (true)');
    expect(discord.identifies).toBe(1);
    onInteraction(async (i) => {
      if (i.isChatInputCommand()) await i.reply('ok');
    });
    expect((await discord.runCommand({ user: discord.member, channelId: discord.channels.general.id, name: 'ping' }).reply()).content).toBe('ok');
  });

  test('heartbeats are acknowledged', async () => {
    await client.destroy();
    await discord.stop();
    await connect({ heartbeatIntervalMs: 60 });
    await discord.waitFor(() => client.ws.ping >= 0, 2000, 'a heartbeat ACK');
    expect(discord.gateway.received.some((p) => p.op === 1)).toBe(true);
  });

  test('a new guild arrives as GUILD_CREATE and can be used at once', async () => {
    const joined = new Promise<string>((resolve) => client.once('guildCreate', (g) => resolve(g.name)));
    const guild = discord.addGuild({ name: 'second', channels: ['lobby'], botPermissions: ['ViewChannel'] });
    expect(await joined).toBe('second');
    const lobby = discord.channel('lobby', guild.id);
    expect(client.channels.cache.has(lobby.id)).toBe(true);
    // @everyone grants Send Messages by default; take it away so only the bot's role counts.
    discord.setRolePermissions(guild.id, ['ViewChannel'], guild.id);
    await expectApiError(textChannel(lobby.id).send('hi'), 403, 50013);
    discord.setBotRolePermissions(['ViewChannel', 'SendMessages'], guild.id);
    await textChannel(lobby.id).send('hi');
    expect(discord.messages(lobby.id).map((m) => m.content)).toEqual(['hi']);
  });

  test('removing the bot sends GUILD_DELETE without unavailable; adding it back sends GUILD_CREATE', async () => {
    const guildId = discord.guild.id;
    const general = discord.channels.general.id;
    const deleted = new Promise<string>((resolve) => client.once('guildDelete', (g) => resolve(g.id)));
    discord.removeBot(guildId);
    expect(await deleted).toBe(guildId);
    expect(client.guilds.cache.has(guildId)).toBe(false);
    expect(discord.gateway.sessions.size).toBe(1);
    await expectApiError(client.rest.post(Routes.channelMessages(general), { body: { content: 'hi' } }), 403, 50001);
    expect(() => discord.runCommand({ user: discord.member, channelId: general, name: 'ping' })).toThrow(LocalDiscordError);

    const created = new Promise<string>((resolve) => client.once('guildCreate', (g) => resolve(g.id)));
    discord.addBot(guildId);
    expect(await created).toBe(guildId);
    expect(client.guilds.cache.get(guildId)?.members.me?.roles.cache.some((r) => r.managed)).toBe(true);
    await textChannel(general).send('back');
    expect(discord.messages(general).map((m) => m.content)).toEqual(['back']);
  });

  test('an outage sends GUILD_DELETE with unavailable: true, the bot stays in; its end sends GUILD_CREATE', async () => {
    const guildId = discord.guild.id;
    const unavailable = new Promise<string>((resolve) => client.once('guildUnavailable', (g) => resolve(g.id)));
    let deletes = 0;
    client.on('guildDelete', () => deletes++);
    discord.startOutage(guildId);
    expect(await unavailable).toBe(guildId);
    expect(client.guilds.cache.get(guildId)?.available).toBe(false);
    // A client identifying during the outage is told of the guild in READY, as unavailable, and gets no GUILD_CREATE.
    const late = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: discord.apiUrl }, waitGuildTimeout: 200 });
    try {
      const lateReady = new Promise<void>((resolve) => late.once('clientReady', () => resolve()));
      await late.login(discord.token);
      await lateReady;
      expect(late.guilds.cache.get(guildId)?.available).toBe(false);
    } finally {
      await late.destroy();
    }
    const available = new Promise<string>((resolve) => client.once('guildAvailable', (g) => resolve(g.id)));
    discord.endOutage(guildId);
    expect(await available).toBe(guildId);
    expect(client.guilds.cache.get(guildId)?.available).toBe(true);
    expect(deletes).toBe(0);
  });

  test('a wrong token is closed with 4004 and zlib-stream is served when asked', async () => {
    const ws = new WebSocket(`${discord.gatewayUrl}/?v=10&encoding=json`);
    const code = await new Promise<number>((resolve) => {
      ws.on('message', () => ws.send(JSON.stringify({ op: 2, d: { token: 'nope', intents: 1, properties: {} } })));
      ws.on('close', (c) => resolve(c));
    });
    expect(code).toBe(4004);

    const z = new WebSocket(`${discord.gatewayUrl}/?v=10&encoding=json&compress=zlib-stream`);
    const hello = await new Promise<Buffer>((resolve) => z.once('message', (data: Buffer) => resolve(data)));
    z.close();
    expect(hello.subarray(-4)).toEqual(Buffer.from([0, 0, 0xff, 0xff]));
    expect(JSON.parse(inflateSync(hello, { finishFlush: 2 }).toString())).toMatchObject({ op: 10, d: { heartbeat_interval: 41250 } });
  });
});

describe('REST', () => {
  test('PUT commands assigns ids, keeps them across PUTs and validates names', async () => {
    expect(discord.commandPuts).toBe(1);
    const first = discord.commands();
    expect(first.map((c) => c.name)).toEqual(['quiz', 'ping', 'purge']);
    expect(first.every((c) => typeof c.id === 'string' && /^\d{17,20}$/.test(c.id as string))).toBe(true);
    const again = (await client.rest.put(Routes.applicationCommands(discord.applicationId), { body: COMMANDS })) as Array<{ id: string; version: string }>;
    expect(again.map((c) => c.id)).toEqual(first.map((c) => c.id));
    expect(again.map((c) => c.version)).toEqual(first.map((c) => c.version));
    const guildCmds = (await client.rest.put(Routes.applicationGuildCommands(discord.applicationId, discord.guild.id), { body: [{ name: 'local', description: 'x' }] })) as Array<{ guild_id: string }>;
    expect(guildCmds[0]?.guild_id).toBe(discord.guild.id);
    expect(discord.commandPuts).toBe(3);
    const err = await expectApiError(client.rest.put(Routes.applicationCommands(discord.applicationId), { body: [{ name: 'Bad Name', description: 'x' }] }), 400, 50035);
    expect(err.rawError).toMatchObject({ errors: { 0: { name: { _errors: [{ code: 'APPLICATION_COMMAND_INVALID_NAME' }] } } } });
  });

  test('a 429 is retried after the stated retry_after', async () => {
    discord.failNext('POST /channels/:id/messages', { status: 429, retryAfter: 0.4 });
    const started = Date.now();
    const msg = await textChannel(discord.channels.general.id).send('after the limit');
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
    const posts = discord.calls.filter((c) => c.route === 'POST /channels/:id/messages');
    expect(posts.map((c) => c.status)).toEqual([429, 200]);
    expect((posts[1]?.at ?? 0) - (posts[0]?.at ?? 0)).toBeGreaterThanOrEqual(400);
    expect(discord.messages(discord.channels.general.id).map((m) => m.id)).toEqual([msg.id]);
  });

  test('delay() adds latency to one route', async () => {
    discord.delay('GET /channels/:id', 150);
    const started = Date.now();
    await client.channels.fetch(discord.channels.quiz.id, { force: true });
    // Node timers may fire a millisecond early by the wall clock; allow for it.
    expect(Date.now() - started).toBeGreaterThanOrEqual(148);
    expect(discord.calls.at(-1)).toMatchObject({ route: 'GET /channels/:id', status: 200 });
    expect(discord.calls.at(-1)?.ms).toBeGreaterThanOrEqual(148);
    discord.delay('GET /channels/:id', 0);
  });

  test('injected 403/404 and real permission checks answer like Discord', async () => {
    await expectApiError(textChannel(discord.channels.locked.id).send('nope'), 403, 50013);
    discord.failNext('POST /channels/:id/messages', { status: 403, code: 50001 });
    const err = await expectApiError(textChannel(discord.channels.general.id).send('x'), 403, 50001);
    expect(err.message).toBe('Missing Access');
    discord.failNext('GET /channels/:id', { status: 404 });
    await expectApiError(client.channels.fetch(discord.channels.quiz.id, { force: true }), 404, 10003);
    discord.setBotPermissions(discord.channels.prompts.id, { deny: ['SendMessages'] });
    await discord.waitFor(() => textChannel(discord.channels.prompts.id).permissionsFor(discord.bot.id)?.has('SendMessages') === false, 1000, 'CHANNEL_UPDATE');
    await expectApiError(textChannel(discord.channels.prompts.id).send('x'), 403, 50013);
    expect(discord.messages(discord.channels.locked.id)).toEqual([]);
  });

  test('invalid bodies get 400 50035 with an errors object', async () => {
    const general = textChannel(discord.channels.general.id);
    const err = await expectApiError(general.send({ embeds: [{ title: 't'.repeat(257), description: 'ok' }] }), 400, 50035);
    expect(err.rawError).toMatchObject({ message: 'Invalid Form Body', errors: { embeds: { 0: { title: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH' }] } } } } });
    await expectApiError(general.send('x'.repeat(2001)), 400, 50035);
    const tooMany = Array.from({ length: 6 }, (_, i) => new ActionRowBuilder<ButtonBuilder>().addComponents(new ButtonBuilder().setCustomId(`b${i}`).setLabel('b').setStyle(ButtonStyle.Primary)));
    await expectApiError(general.send({ content: 'rows', components: tooMany }), 400, 50035);
    const dup = new ActionRowBuilder<ButtonBuilder>().addComponents(
      new ButtonBuilder().setCustomId('same').setLabel('a').setStyle(ButtonStyle.Primary),
      new ButtonBuilder().setCustomId('same').setLabel('b').setStyle(ButtonStyle.Primary),
    );
    await expectApiError(general.send({ content: 'dup', components: [dup] }), 400, 50035);
    await expectApiError(client.rest.post(Routes.channelMessages(general.id), { body: {} }), 400, 50006);
    expect(discord.messages(general.id)).toEqual([]);
  });

  test('guild, member, role and channel reads; message fetch, edit and delete', async () => {
    const guild = await client.guilds.fetch({ guild: discord.guild.id, force: true, withCounts: true });
    expect(guild.approximateMemberCount).toBe(discord.guild.members.size);
    const channels = await guild.channels.fetch();
    expect(channels.size).toBe(4);
    const roles = await guild.roles.fetch();
    expect(roles.find((r) => r.name === 'Moderator')?.permissions.has('ManageGuild')).toBe(true);
    const mod = await guild.members.fetch({ user: discord.moderator.id, force: true });
    expect(mod.permissions.has('ManageMessages')).toBe(true);
    await expectApiError(guild.members.fetch({ user: '123456789012345678', force: true }), 404, 10013);
    const general = textChannel(discord.channels.general.id);
    const sent = await general.send('first');
    await general.send('second');
    const fetched = await general.messages.fetch({ limit: 10 });
    expect([...fetched.values()].map((m) => m.content)).toEqual(['second', 'first']);
    const edited = await sent.edit({ content: 'first (edited)', embeds: [{ title: 'E', description: 'x' }] });
    expect(edited.editedTimestamp).not.toBeNull();
    expect(discord.message(sent.id)).toMatchObject({ content: 'first (edited)', edits: 1, embeds: [{ type: 'rich', title: 'E' }] });
    await sent.delete();
    expect(discord.messages(general.id).map((m) => m.content)).toEqual(['second']);
    await expectApiError(general.messages.fetch({ message: sent.id, force: true }), 404, 10008);
  });

  test('unknown routes are 404 code 0 and recorded', async () => {
    await expectApiError(client.rest.get('/users/@me/made-up'), 404, 0);
    expect(discord.unknownRoutes).toMatchObject([{ method: 'GET', path: '/users/@me/made-up' }]);
    expect(discord.calls.at(-1)).toMatchObject({ status: 404, path: '/users/@me/made-up' });
    const res = await fetch(`${discord.apiUrl}/v10/users/@me`, { headers: { authorization: 'Bot wrong' } });
    expect(res.status).toBe(401);
  });

  test('AttachmentBuilder uploads are parsed from multipart and downloadable', async () => {
    const bytes = Buffer.from('round,score\n1,3\n');
    const sent = await textChannel(discord.channels.general.id).send({ content: 'results', files: [new AttachmentBuilder(bytes, { name: 'scores.csv', description: 'Scores' })] });
    const stored = discord.message(sent.id);
    expect(stored?.attachments).toHaveLength(1);
    expect(stored?.attachments[0]).toMatchObject({ filename: 'scores.csv', description: 'Scores', size: bytes.length });
    expect(stored?.attachments[0]?.data.equals(bytes)).toBe(true);
    expect(sent.attachments.first()?.name).toBe('scores.csv');
    const download = await fetch(sent.attachments.first()?.url ?? '');
    expect(Buffer.from(await download.arrayBuffer()).equals(bytes)).toBe(true);
    expect(discord.calls.find((c) => c.route === 'POST /channels/:id/messages')?.files).toEqual(['scores.csv']);
  });

  test('allowed_mentions decide who would be pinged', async () => {
    const general = textChannel(discord.channels.general.id);
    const text = `hi <@${discord.member.id}> and @everyone`;
    const loud = await general.send(text);
    const quiet = await general.send({ content: text, allowedMentions: { parse: [] } });
    const one = await general.send({ content: `<@${discord.member.id}> <@${discord.member2.id}>`, allowedMentions: { users: [discord.member2.id] } });
    // The bot lacks Mention Everyone, so @everyone never pings.
    expect(discord.message(loud.id)?.pinged).toEqual({ users: [discord.member.id], roles: [], everyone: false });
    expect(discord.message(quiet.id)).toMatchObject({ allowed_mentions: { parse: [] }, pinged: { users: [], everyone: false } });
    expect(discord.message(one.id)?.pinged.users).toEqual([discord.member2.id]);
    expect(loud.mentions.users.map((u) => u.id)).toEqual([discord.member.id]);
  });

  test('enforce_nonce returns the original message for a repeated nonce', async () => {
    const general = textChannel(discord.channels.general.id);
    const a = await general.send({ content: 'daily prompt', nonce: 'run-1', enforceNonce: true });
    const b = await general.send({ content: 'daily prompt', nonce: 'run-1', enforceNonce: true });
    expect(b.id).toBe(a.id);
    // Applied, then answered 500: discord.js retries with the same nonce and gets the same message.
    discord.failNext('POST /channels/:id/messages', { status: 500, after: true });
    const c = await general.send({ content: 'next', nonce: 'run-2', enforceNonce: true });
    const d = await general.send({ content: 'no enforce', nonce: 'run-1' });
    expect(d.id).not.toBe(a.id);
    expect(discord.messages(general.id).map((m) => m.id)).toEqual([a.id, c.id, d.id]);
  });

  test('threads from a message and standalone threads', async () => {
    const general = textChannel(discord.channels.general.id);
    const msg = await general.send('discuss');
    const created = new Promise<string>((resolve) => client.once('threadCreate', (t) => resolve(t.id)));
    const thread = await msg.startThread({ name: 'Round 1' });
    expect(await created).toBe(thread.id);
    expect(thread.id).toBe(msg.id);
    expect(thread.type).toBe(ChannelType.PublicThread);
    await thread.send('in thread');
    expect(discord.threads(general.id).map((t) => t.name)).toEqual(['Round 1']);
    expect(discord.message(msg.id)?.thread_id).toBe(thread.id);
    expect(discord.messages(thread.id).map((m) => m.content)).toEqual(['in thread']);
    await expectApiError(client.rest.post(Routes.threads(general.id, msg.id), { body: { name: 'again' } }), 400, 160004);
    await expectApiError(general.threads.create({ name: 'x'.repeat(101) }), 400, 50035);
    const standalone = await general.threads.create({ name: 'Standalone', type: ChannelType.PublicThread });
    expect(discord.threads(general.id).map((t) => t.id)).toEqual([thread.id, standalone.id]);
  });
});

describe('interactions', () => {
  test('slash command with sub-command, options and resolved user -> reply', async () => {
    const seen: unknown[] = [];
    const errors = onInteraction(async (i) => {
      if (!i.isChatInputCommand()) return;
      seen.push([i.options.getSubcommand(), i.options.getString('topic'), i.options.getInteger('rounds'), i.options.getUser('host')?.username, i.memberPermissions?.has('ManageGuild'), i.inCachedGuild()]);
      await i.reply({ content: `Starting ${i.options.getString('topic')}`, allowedMentions: { parse: [] } });
    });
    const run = discord.runCommand({ user: discord.moderator, channelId: discord.channels.quiz.id, name: 'quiz', subcommand: 'start', options: { topic: 'climate', rounds: 3, host: discord.member } });
    const response = await run.response();
    expect(response.type).toBe(4);
    expect(response.message?.content).toBe('Starting climate');
    expect(seen).toEqual([['start', 'climate', 3, 'alice', true, true]]);
    const [reply] = run.replies();
    expect(reply).toMatchObject({ channel_id: discord.channels.quiz.id, type: 20, ephemeral: false, allowed_mentions: { parse: [] } });
    expect(reply?.interaction).toMatchObject({ id: run.id, name: 'quiz start', user_id: discord.moderator.id });
    // A second callback is refused by Discord itself.
    await expectApiError(client.rest.post(Routes.interactionCallback(run.id, run.token), { body: { type: 4, data: { content: 'again' } }, auth: false }), 400, 40060);
    await expectApiError(client.rest.post(Routes.interactionCallback(run.id, 'bogus'), { body: { type: 4, data: { content: 'x' } }, auth: false }), 404, 10062);
    expect(errors).toEqual([]);
  });

  test('sub-command groups and channel options; the Discord client refuses invalid input', async () => {
    let where: string | undefined;
    onInteraction(async (i) => {
      if (!i.isChatInputCommand()) return;
      where = `${i.options.getSubcommandGroup()}/${i.options.getSubcommand()}/${i.options.getChannel('where')?.name}`;
      await i.reply({ content: 'ok', withResponse: true });
    });
    const run = discord.runCommand({ user: discord.member, channelId: discord.channels.general.id, name: 'quiz', group: 'admin', subcommand: 'reset', options: { where: discord.channels.quiz } });
    await run.reply();
    expect(where).toBe('admin/reset/quiz');
    expect(() => discord.runCommand({ user: discord.member, channelId: discord.channels.general.id, name: 'quiz', subcommand: 'start', options: { topic: 'x', rounds: 11 } })).toThrow(/max_value/);
    expect(() => discord.runCommand({ user: discord.member, channelId: discord.channels.general.id, name: 'quiz', subcommand: 'start', options: {} })).toThrow(/required option 'topic'/);
    expect(() => discord.runCommand({ user: discord.member, channelId: discord.channels.general.id, name: 'nope' })).toThrow(LocalDiscordError);
    expect(() => discord.runCommand({ user: discord.member, channelId: discord.channels.general.id, name: 'purge' })).toThrow(/default_member_permissions/);
    expect(() => discord.runCommand({ user: discord.moderator, channelId: discord.channels.general.id, name: 'purge' })).not.toThrow();
  });

  test('defer then editReply; follow-ups; ephemeral replies', async () => {
    const errors = onInteraction(async (i) => {
      if (!i.isChatInputCommand()) return;
      if (i.commandName === 'ping') {
        await i.reply({ content: 'secret', flags: MessageFlags.Ephemeral });
        return;
      }
      await i.deferReply();
      await new Promise((r) => setTimeout(r, 20));
      await i.editReply('done thinking');
      await i.followUp({ content: 'only you', flags: MessageFlags.Ephemeral });
      await i.followUp('for all');
    });
    const run = discord.runCommand({ user: discord.member, channelId: discord.channels.quiz.id, name: 'quiz', subcommand: 'start', options: { topic: 'x' } });
    expect((await run.response()).type).toBe(5);
    expect((await run.reply()).content).toBe('done thinking');
    const followUps = await run.followUpsAtLeast(2);
    expect(followUps.map((m) => [m.content, m.ephemeral])).toEqual([['only you', true], ['for all', false]]);
    expect(run.replies().map((m) => m.content)).toEqual(['done thinking', 'only you', 'for all']);

    const eph = discord.runCommand({ user: discord.member, channelId: discord.channels.quiz.id, name: 'ping' });
    const reply = await eph.reply();
    expect(reply.flags & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
    expect(discord.messages(discord.channels.quiz.id, { ephemeral: false }).map((m) => m.content)).toEqual(['done thinking', 'for all']);
    expect(errors).toEqual([]);
  });

  test('fetchReply, editing a follow-up and deleteReply go through the interaction webhook', async () => {
    const errors = onInteraction(async (i) => {
      if (!i.isChatInputCommand()) return;
      await i.reply('v1');
      const original = await i.fetchReply();
      const follow = await i.followUp('f1');
      await i.editReply({ content: `${original.content} -> v2` });
      await i.webhook.editMessage(follow.id, { content: 'f2' });
      await i.deleteReply();
    });
    const run = discord.runCommand({ user: discord.member, channelId: discord.channels.general.id, name: 'ping' });
    await discord.waitFor(() => discord.calls.some((c) => c.route === 'DELETE /webhooks/:app/:token/messages/@original'), 2000, 'deleteReply');
    expect(run.original()).toBeUndefined();
    expect(run.followUps().map((m) => m.content)).toEqual(['f2']);
    expect(discord.calls.filter((c) => c.route.includes('/webhooks/')).map((c) => `${c.route} ${c.status}`)).toEqual([
      'GET /webhooks/:app/:token/messages/@original 200',
      'POST /webhooks/:app/:token 200',
      'PATCH /webhooks/:app/:token/messages/@original 200',
      'PATCH /webhooks/:app/:token/messages/:mid 200',
      'DELETE /webhooks/:app/:token/messages/@original 204',
    ]);
    expect(errors).toEqual([]);
  });

  test('the first follow-up after a deferral replaces the loading message', async () => {
    onInteraction(async (i) => {
      if (!i.isChatInputCommand()) return;
      await i.deferReply({ flags: MessageFlags.Ephemeral });
      await i.followUp({ content: 'replaced' });
    });
    const run = discord.runCommand({ user: discord.member, channelId: discord.channels.general.id, name: 'ping' });
    const reply = await run.reply();
    expect(reply).toMatchObject({ content: 'replaced', ephemeral: true, loading: false });
    expect(run.followUps()).toEqual([]);
  });

  test('button click -> update, select menu -> deferUpdate + editReply', async () => {
    const errors = onInteraction(async (i) => {
      if (i.isChatInputCommand()) {
        const buttons = new ActionRowBuilder<ButtonBuilder>().addComponents(
          new ButtonBuilder().setCustomId('answer:a').setLabel('A').setStyle(ButtonStyle.Primary),
          new ButtonBuilder().setCustomId('answer:b').setLabel('B').setStyle(ButtonStyle.Secondary).setDisabled(true),
        );
        const select = new ActionRowBuilder<StringSelectMenuBuilder>().addComponents(
          new StringSelectMenuBuilder().setCustomId('pick').addOptions({ label: 'One', value: '1' }, { label: 'Two', value: '2' }),
        );
        await i.reply({ content: 'Question?', components: [buttons, select] });
      } else if (i.isButton()) {
        await i.update({ content: `You chose ${i.customId} (was: ${i.message.content})`, components: [] });
      } else if (i.isStringSelectMenu()) {
        await i.deferUpdate();
        await i.editReply({ content: `Picked ${i.values.join(',')}` });
      }
    });
    const run = discord.runCommand({ user: discord.member, channelId: discord.channels.quiz.id, name: 'ping' });
    const question = await run.reply();
    expect(() => discord.clickButton({ user: discord.member, messageId: question.id, customId: 'answer:b' })).toThrow(/disabled/);
    expect(() => discord.clickButton({ user: discord.member, messageId: question.id, customId: 'missing' })).toThrow(/has no component 'missing'/);
    expect(() => discord.selectMenu({ user: discord.member, messageId: question.id, customId: 'pick', values: ['3'] })).toThrow(/no option/);

    const picked = discord.selectMenu({ user: discord.member2, messageId: question.id, customId: 'pick', values: ['2'] });
    expect((await picked.response()).type).toBe(6);
    await discord.waitFor(() => discord.message(question.id)?.content === 'Picked 2', 2000, 'the select edit');

    const click = discord.clickButton({ user: discord.member2, messageId: question.id, customId: 'answer:a' });
    const response = await click.response();
    expect(response.type).toBe(7);
    expect(discord.message(question.id)).toMatchObject({ content: 'You chose answer:a (was: Picked 2)', components: [], edits: 2 });
    expect(errors).toEqual([]);
  });

  test('autocomplete responds with choices; too many choices are refused', async () => {
    const errors = onInteraction(async (i) => {
      if (!i.isAutocomplete()) return;
      const typed = i.options.getFocused();
      const n = typed === 'many' ? 30 : 3;
      await i.respond(Array.from({ length: n }, (_, k) => ({ name: `${typed}-${k}`, value: `${typed}${k}` })));
    });
    const choices = await discord.autocomplete({ user: discord.member, channelId: discord.channels.quiz.id, name: 'quiz', subcommand: 'start', options: { topic: 'cli' }, focused: 'topic' });
    expect(choices).toEqual([
      { name: 'cli-0', value: 'cli0' },
      { name: 'cli-1', value: 'cli1' },
      { name: 'cli-2', value: 'cli2' },
    ]);
    await expect(discord.autocomplete({ user: discord.member, channelId: discord.channels.quiz.id, name: 'quiz', subcommand: 'start', options: { topic: 'many' }, focused: 'topic' }, 500)).rejects.toThrow(/Timed out after 500 ms waiting for the bot to answer to autocomplete/);
    await discord.waitFor(() => errors.length === 1, 1000);
    expect(errors[0]).toBeInstanceOf(DiscordAPIError);
    expect((errors[0] as DiscordAPIError).code).toBe(50035);
  });

  test('with_response returns the InteractionCallbackResponse', async () => {
    let callback: { id: string | undefined; messageId: string | null | undefined; content: string | undefined } | undefined;
    onInteraction(async (i) => {
      if (!i.isChatInputCommand()) return;
      const res = await i.reply({ content: 'hello', withResponse: true });
      callback = { id: res.interaction.id, messageId: res.interaction.responseMessageId, content: res.resource?.message?.content };
    });
    const run = discord.runCommand({ user: discord.member, channelId: discord.channels.general.id, name: 'ping' });
    const reply = await run.reply();
    await discord.waitFor(() => callback, 1000);
    expect(callback).toEqual({ id: run.id, messageId: reply.id, content: 'hello' });
    expect(discord.calls.find((c) => c.route === 'POST /interactions/:id/:token/callback')?.query).toBe('with_response=true');
  });

  test('forged interactions reach the bot; late answers get 10062', async () => {
    const errors = onInteraction(async (i) => {
      if (!i.isChatInputCommand()) return;
      if (!i.inCachedGuild()) {
        await i.reply({ content: 'not here', flags: MessageFlags.Ephemeral });
        return;
      }
      await new Promise((r) => setTimeout(r, 300));
      await i.reply('too late');
    });
    const payload = discord.commandPayload({ user: discord.member, channelId: discord.channels.general.id, name: 'ping' });
    const forged = discord.dispatchRaw({ t: 'INTERACTION_CREATE', d: { ...payload, guild_id: '123456789012345678', guild: { id: '123456789012345678', locale: 'en-US', features: [] } } });
    expect(await forged.reply()).toMatchObject({ content: 'not here', ephemeral: true });

    discord.interactionAckWindowMs = 100;
    const late = discord.runCommand({ user: discord.member, channelId: discord.channels.general.id, name: 'ping' });
    await discord.waitFor(() => errors.length === 1, 2000, 'the late reply to fail');
    expect((errors[0] as DiscordAPIError).code).toBe(10062);
    expect(late.record.response).toBeUndefined();
  });

  // How fast is the bench's business; here each of the burst must be answered exactly once.
  // 400 at once: on a loaded 2-core machine a larger burst can outlast Discord's 3-second answer
  // window, which the stand-in enforces; the bench drives the real load.
  test('a burst of 400 concurrent interactions is each answered once', async () => {
    onInteraction(async (i) => {
      if (i.isChatInputCommand()) await i.reply({ content: 'pong', flags: MessageFlags.Ephemeral });
    });
    const runs = Array.from({ length: 400 }, () => discord.runCommand({ user: discord.member, channelId: discord.channels.general.id, name: 'ping' }));
    const responses = await Promise.all(runs.map((r) => r.response(15_000)));
    expect(responses.every((r) => r.type === 4 && r.message?.ephemeral)).toBe(true);
    expect(discord.messages(discord.channels.general.id, { ephemeral: true })).toHaveLength(400);
  }, 30_000);

  test('runCommand timeouts say what was awaited', async () => {
    const run = discord.runCommand({ user: discord.member, channelId: discord.channels.general.id, name: 'ping' });
    await expect(run.response(100)).rejects.toThrow(/waiting for the bot to answer to \/ping .* by alice in #general; no interaction callback was received/);
  });
});
