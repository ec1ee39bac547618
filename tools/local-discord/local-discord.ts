import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LocalDiscordError } from './errors.js';
import { Faults, type FailOptions } from './faults.js';
import { buildFixture, type Fixture, type FixtureChannels } from './fixtures.js';
import { Gateway, type GatewaySessionInfo } from './gateway.js';
import { channelJson, guildCreateJson, roleJson } from './payloads.js';
import { ALL_PERMISSIONS, toBits, type PermissionInput } from './permissions.js';
import { appRoutes } from './routes/app.js';
import { channelRoutes } from './routes/channels.js';
import type { RouteConfig } from './routes/common.js';
import { guildRoutes } from './routes/guilds.js';
import { interactionRoutes } from './routes/interactions.js';
import { Router } from './router.js';
import { RestServer, type RestRecords } from './server.js';
import { randomToken, shardOf, snowflake, snowflakeOnShard } from './snowflake.js';
import { Intents, State } from './state.js';
import type { CallRecord, ChannelRecord, GuildRecord, LocalDiscordOptions, MessageRecord, RoleRecord, UnknownRouteRecord, UserRecord } from './types.js';
import { InteractionHandle } from './handle.js';
import { Users, type AutocompleteInput, type CommandInput, type ComponentInput, type SelectInput } from './users.js';
import { waitUntil } from './wait.js';

export interface AddUserOptions {
  username: string;
  /** Guilds to join (default: the fixture guild). */
  guildIds?: string[];
  /** Role ids to hold in those guilds. */
  roles?: string[];
  /** Creates a role with these permissions in each guild joined and gives it to the user. */
  permissions?: PermissionInput;
  locale?: string;
  bot?: boolean;
}

export interface AddGuildOptions {
  name: string;
  /** Text channel names (default ['general']). */
  channels?: string[];
  /** Users to add as plain members (the fixture's users by default). */
  members?: UserRecord[];
  botPermissions?: PermissionInput;
  /** Whether the bot is in it (default true; false makes a guild the bot cannot see). */
  withBot?: boolean;
  /** `[shardId, shardCount]`: give it an id that lands on that shard (see `shardOf`). */
  shard?: [number, number];
}

/**
 * A Discord gateway + REST API on 127.0.0.1 that the real discord.js client talks to.
 *
 *   const discord = await LocalDiscord.start();
 *   const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: discord.apiUrl } });
 *   await client.login(discord.token);
 *   const run = discord.runCommand({ user: discord.member, channelId: discord.channels.quiz.id, name: 'quiz', subcommand: 'start' });
 *   expect((await run.response()).type).toBe(4);
 */
export class LocalDiscord {
  readonly token: string;
  readonly state: State;
  readonly fixture: Fixture;
  readonly faults = new Faults();
  readonly records: RestRecords = { calls: [], unknownRoutes: [], serverErrors: [] };
  readonly gateway: Gateway;
  #server: Server;
  #port = 0;
  #commandPuts = 0;
  #users: Users;
  #waitTimeoutMs: number;
  #routeConfig: RouteConfig;
  readonly #subscribe = (fn: () => void): (() => void) => this.state.listen(fn);

  private constructor(options: LocalDiscordOptions) {
    this.token = options.token ?? `${Buffer.from(snowflake()).toString('base64url')}.${randomToken(5)}.${randomToken(28)}`;
    this.state = new State({ applicationId: options.applicationId, bot: options.botUser });
    const recommendedShards = positiveInt(options.recommendedShards ?? 1, 'recommendedShards');
    const spread = positiveInt(options.spreadGuildsOver ?? recommendedShards, 'spreadGuildsOver');
    this.fixture = buildFixture(this.state, Math.max(1, options.guilds ?? 1), options.channelsPerGuild ?? 4, spread);
    this.#waitTimeoutMs = options.waitTimeoutMs ?? 5000;
    this.gateway = new Gateway(this.state, {
      token: this.token,
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? 41_250,
      replayBufferSize: options.replayBufferSize ?? 8192,
      allowedPrivilegedIntents: options.allowedPrivilegedIntents ?? Intents.GuildMembers | (1 << 8) | Intents.MessageContent,
      maxGuildsPerShard: positiveInt(options.maxGuildsPerShard ?? 2500, 'maxGuildsPerShard'),
      url: () => this.gatewayUrl,
    });
    if (options.maxMessagesPerChannel) this.state.maxMessagesPerChannel = options.maxMessagesPerChannel;
    this.state.dispatch = (event, data, guildId, intent) => this.gateway.dispatch(event, data, guildId, intent);
    const cfg: RouteConfig = {
      state: this.state,
      ackWindowMs: options.interactionAckWindowMs ?? 3000,
      nonceWindowMs: options.nonceWindowMs ?? 5 * 60 * 1000,
      gatewayUrl: () => this.gatewayUrl,
      recommendedShards,
      maxConcurrency: positiveInt(options.maxConcurrency ?? 1, 'maxConcurrency'),
      onCommandPut: () => this.#commandPuts++,
    };
    this.#routeConfig = cfg;
    const router = new Router();
    router.add([...appRoutes(cfg), ...channelRoutes(cfg), ...guildRoutes(cfg), ...interactionRoutes(cfg)]);
    const rest = new RestServer(this.state, router, this.faults, this.token, this.records, options.recordCalls ?? true);
    this.#server = createServer({ keepAliveTimeout: 30_000 }, rest.handle);
    this.#server.on('upgrade', (req, socket, head: Buffer) => this.gateway.upgrade(req, socket, head));
    this.#users = new Users({
      state: this.state,
      dispatchInteraction: (payload, guildId) => this.gateway.dispatch('INTERACTION_CREATE', payload, guildId, 0),
      requireRegisteredCommands: options.requireRegisteredCommands ?? true,
      waitTimeoutMs: this.#waitTimeoutMs,
      nonceWindowMs: cfg.nonceWindowMs,
      attachmentOrigin: () => this.state.origin,
    });
  }

  static async start(options: LocalDiscordOptions = {}): Promise<LocalDiscord> {
    const discord = new LocalDiscord(options);
    await new Promise<void>((resolve, reject) => {
      discord.#server.once('error', reject);
      discord.#server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
    });
    discord.#port = (discord.#server.address() as AddressInfo).port;
    discord.state.origin = `http://127.0.0.1:${discord.#port}`;
    return discord;
  }

  async stop(): Promise<void> {
    this.gateway.close();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  get port(): number {
    return this.#port;
  }
  /** Pass as `rest: { api }` to discord.js (it appends /v10). */
  get apiUrl(): string {
    return `http://127.0.0.1:${this.#port}/api`;
  }
  get gatewayUrl(): string {
    return `ws://127.0.0.1:${this.#port}`;
  }
  get applicationId(): string {
    return this.state.applicationId;
  }
  get bot(): UserRecord {
    return this.state.bot;
  }
  /** The fixture guild 'g1'. */
  get guild(): GuildRecord {
    return this.fixture.guild;
  }
  /** #general, #quiz, #prompts, #locked of 'g1'. */
  get channels(): FixtureChannels {
    return this.fixture.channels;
  }
  get owner(): UserRecord {
    return this.fixture.owner;
  }
  /** Manage Server + Manage Messages. */
  get moderator(): UserRecord {
    return this.fixture.moderator;
  }
  get member(): UserRecord {
    return this.fixture.member;
  }
  get member2(): UserRecord {
    return this.fixture.member2;
  }
  get calls(): CallRecord[] {
    return this.records.calls;
  }
  get unknownRoutes(): UnknownRouteRecord[] {
    return this.records.unknownRoutes;
  }
  /** Exceptions inside the fake itself (should stay empty). */
  get serverErrors(): unknown[] {
    return this.records.serverErrors;
  }
  /** PUTs of global or guild command lists. */
  get commandPuts(): number {
    return this.#commandPuts;
  }
  /** How long the bot has to acknowledge an interaction (Discord: 3000 ms); later callbacks get 404 10062. */
  get interactionAckWindowMs(): number {
    return this.#routeConfig.ackWindowMs;
  }
  set interactionAckWindowMs(ms: number) {
    this.#routeConfig.ackWindowMs = ms;
  }

  /** Some gateway session is connected. */
  get connected(): boolean {
    return this.gateway.connected;
  }
  get identifies(): number {
    return this.gateway.identifies;
  }
  get resumes(): number {
    return this.gateway.resumes;
  }

  /** `shards` in GET /gateway/bot; a change applies to clients that log in afterwards. */
  get recommendedShards(): number {
    return this.#routeConfig.recommendedShards;
  }
  set recommendedShards(n: number) {
    this.#routeConfig.recommendedShards = positiveInt(n, 'recommendedShards');
  }

  /** Shard ids that have a connected session, ascending (`[0]` for an unsharded client). */
  connectedShards(): number[] {
    return this.gateway.connectedShards();
  }

  /** Every session the gateway keeps (for RESUME too), with its shard and whether a socket is attached. */
  gatewaySessions(): GatewaySessionInfo[] {
    return this.gateway.sessionInfo();
  }

  /** The shard that gets a guild's events when the bot runs `shardCount` shards: (guild_id >> 22) % shardCount. */
  shardOf(guildId: string, shardCount: number): number {
    return shardOf(guildId, shardCount);
  }

  /** Forget recorded calls (e.g. between benchmark phases). */
  clearRecords(): void {
    this.records.calls.length = 0;
    this.records.unknownRoutes.length = 0;
  }

  channel(name: string, guildId = this.guild.id): ChannelRecord {
    const guild = this.state.guilds.get(guildId);
    const channel = guild?.channels.find((c) => c.name === name) ?? guild?.threads.find((c) => c.name === name);
    if (!channel) throw new LocalDiscordError(`No channel #${name} in guild ${guildId}`);
    return channel;
  }

  user(username: string): UserRecord {
    for (const u of this.state.users.values()) if (u.username === username) return u;
    throw new LocalDiscordError(`No user ${username}`);
  }

  /** Registered commands as Discord returns them (global, or a guild's). */
  commands(guildId?: string): Array<Record<string, unknown>> {
    return (guildId ? (this.state.guildCommands.get(guildId) ?? []) : this.state.globalCommands).map((c) => c.json);
  }

  // ---- acting as users ----

  runCommand(input: CommandInput): InteractionHandle {
    return this.#users.runCommand(input);
  }
  clickButton(input: ComponentInput): InteractionHandle {
    return this.#users.clickButton(input);
  }
  selectMenu(input: SelectInput): InteractionHandle {
    return this.#users.selectMenu(input);
  }
  autocomplete(input: AutocompleteInput, timeoutMs?: number): Promise<Array<{ name: string; value: string | number }>> {
    return this.#users.autocomplete(input, timeoutMs);
  }
  /** A valid command INTERACTION_CREATE payload (not sent) to tamper with and pass to dispatchRaw. */
  commandPayload(input: CommandInput): Record<string, unknown> {
    return this.#users.commandPayload(input);
  }

  /**
   * Sends a raw dispatch. For INTERACTION_CREATE the payload is tracked (id/token
   * filled in when missing) and a handle is returned to observe the bot's answer.
   */
  dispatchRaw(payload: { t: 'INTERACTION_CREATE'; d: Record<string, unknown> }): InteractionHandle;
  dispatchRaw(payload: { t: string; d: unknown }): InteractionHandle | number;
  dispatchRaw(payload: { t: string; d: unknown }): InteractionHandle | number {
    if (payload.t === 'INTERACTION_CREATE') return this.#users.forge(payload.d as Record<string, unknown>);
    const guildId = (payload.d as { guild_id?: unknown } | null)?.guild_id;
    return this.gateway.dispatch(payload.t, payload.d, typeof guildId === 'string' ? guildId : undefined, 0);
  }

  // ---- reading what the bot did ----

  /** Messages in a channel, oldest first, edits applied. `ephemeral: false` hides ephemeral ones, `true` keeps only them. */
  messages(channelId: string, filter: { ephemeral?: boolean } = {}): MessageRecord[] {
    const list = this.state.channels.get(channelId)?.messages ?? [];
    return filter.ephemeral === undefined ? list.slice() : list.filter((m) => m.ephemeral === filter.ephemeral);
  }

  message(id: string): MessageRecord | undefined {
    return this.state.messages.get(id);
  }

  threads(channelId: string): ChannelRecord[] {
    const parent = this.state.channels.get(channelId);
    const guild = parent ? this.state.guilds.get(parent.guild_id) : undefined;
    return guild ? guild.threads.filter((t) => t.parent_id === channelId) : [];
  }

  /** Resolves with the predicate's first truthy value (re-checked on every change and every 10 ms). */
  waitFor<T>(predicate: () => T | undefined | null | false, timeoutMs = this.#waitTimeoutMs, description = 'the condition'): Promise<T> {
    return waitUntil(this.#subscribe, predicate, timeoutMs, description, 10);
  }

  waitForMessage(channelId: string, predicate: (m: MessageRecord) => boolean = () => true, timeoutMs = this.#waitTimeoutMs): Promise<MessageRecord> {
    return waitUntil(this.#subscribe, () => this.messages(channelId).find((m) => !m.loading && predicate(m)), timeoutMs, () => {
      const seen = this.messages(channelId).map((m) => JSON.stringify(m.content.slice(0, 40)));
      return `a matching message in #${this.state.channels.get(channelId)?.name ?? channelId} (has ${seen.length}: ${seen.join(', ')})`;
    });
  }

  /** Waits until a gateway session is connected (e.g. after a drop). */
  waitForConnection(timeoutMs = this.#waitTimeoutMs): Promise<true> {
    return waitUntil(this.#subscribe, () => this.gateway.connected || undefined, timeoutMs, 'a connected gateway session', 10);
  }

  /** Waits until each of these shard ids has a connected session; resolves with `connectedShards()`. */
  waitForShards(shardIds: number[], timeoutMs = this.#waitTimeoutMs): Promise<number[]> {
    return waitUntil(
      this.#subscribe,
      () => {
        const up = this.gateway.connectedShards();
        return shardIds.every((id) => up.includes(id)) ? up : undefined;
      },
      timeoutMs,
      () => `connected shards ${JSON.stringify(shardIds)} (connected: ${JSON.stringify(this.gateway.connectedShards())})`,
      10,
    );
  }

  // ---- changing the world ----

  addUser(opts: AddUserOptions): UserRecord {
    const user = this.state.addUser({ username: opts.username, ...(opts.locale ? { locale: opts.locale } : {}), ...(opts.bot ? { bot: true } : {}) });
    for (const guildId of opts.guildIds ?? [this.guild.id]) {
      const guild = this.#guild(guildId);
      const roles = [...(opts.roles ?? [])];
      if (opts.permissions !== undefined) roles.push(this.state.addRole(guild, { name: `${opts.username}-role`, permissions: toBits(opts.permissions) }).id);
      this.state.addMember(guild, user.id, roles);
    }
    return user;
  }

  /** A new guild the bot joins (GUILD_CREATE is dispatched). */
  addGuild(opts: AddGuildOptions): GuildRecord {
    if (opts.shard && !(Number.isInteger(opts.shard[1]) && opts.shard[1] >= 1 && Number.isInteger(opts.shard[0]) && opts.shard[0] >= 0 && opts.shard[0] < opts.shard[1])) {
      throw new LocalDiscordError(`No shard ${opts.shard[0]} of ${opts.shard[1]}`);
    }
    const guild = this.state.addGuild({
      name: opts.name,
      ownerId: this.owner.id,
      ...(opts.shard ? { id: snowflakeOnShard(opts.shard[0], opts.shard[1]) } : {}),
      ...(opts.botPermissions !== undefined ? { botPermissions: toBits(opts.botPermissions) } : {}),
    });
    for (const u of opts.members ?? [this.moderator, this.member, this.member2]) this.state.addMember(guild, u.id);
    for (const name of opts.channels ?? ['general']) this.state.addChannel(guild, { name });
    if (opts.withBot === false) guild.members.delete(this.bot.id);
    else this.gateway.dispatch('GUILD_CREATE', JSON.parse(guildCreateJson(this.state, guild)), guild.id, Intents.Guilds);
    this.state.changed();
    return guild;
  }

  /**
   * The bot is removed from a server (kicked, or it left): its member and
   * managed role go, and GUILD_DELETE arrives without `unavailable`, as on
   * Discord. From then on its channels answer 403 Missing Access.
   */
  removeBot(guildId = this.guild.id): void {
    const guild = this.#guild(guildId);
    if (!guild.members.has(this.bot.id)) throw new LocalDiscordError(`The bot is not in ${guild.name}`);
    this.state.removeBotMember(guild);
    this.gateway.dispatch('GUILD_DELETE', { id: guild.id }, guild.id, Intents.Guilds);
    this.state.changed();
  }

  /** The bot is added (back) to a server: a new managed role, its member, and GUILD_CREATE. */
  addBot(guildId = this.guild.id, opts: { botPermissions?: PermissionInput } = {}): void {
    const guild = this.#guild(guildId);
    if (guild.members.has(this.bot.id)) throw new LocalDiscordError(`The bot is already in ${guild.name}`);
    this.state.addBotMember(guild, opts.botPermissions !== undefined ? toBits(opts.botPermissions) : undefined);
    if (!guild.unavailable) this.gateway.dispatch('GUILD_CREATE', JSON.parse(guildCreateJson(this.state, guild)), guild.id, Intents.Guilds);
    this.state.changed();
  }

  /**
   * A server goes into an outage: GUILD_DELETE with `unavailable: true`. The bot
   * stays a member; a session identifying meanwhile gets it in READY but no
   * GUILD_CREATE. REST is not affected (Discord's behaviour there varies).
   */
  startOutage(guildId = this.guild.id): void {
    const guild = this.#guild(guildId);
    guild.unavailable = true;
    this.gateway.dispatch('GUILD_DELETE', { id: guild.id, unavailable: true }, guild.id, Intents.Guilds);
    this.state.changed();
  }

  /** The outage ends: GUILD_CREATE with the full server, as on Discord. */
  endOutage(guildId = this.guild.id): void {
    const guild = this.#guild(guildId);
    guild.unavailable = false;
    if (guild.members.has(this.bot.id)) this.gateway.dispatch('GUILD_CREATE', JSON.parse(guildCreateJson(this.state, guild)), guild.id, Intents.Guilds);
    this.state.changed();
  }

  addChannel(name: string, opts: { guildId?: string; type?: number; parentId?: string } = {}): ChannelRecord {
    const guild = this.#guild(opts.guildId ?? this.guild.id);
    const channel = this.state.addChannel(guild, { name, ...(opts.type !== undefined ? { type: opts.type } : {}), ...(opts.parentId ? { parent_id: opts.parentId } : {}) });
    this.gateway.dispatch('CHANNEL_CREATE', channelJson(channel), guild.id, Intents.Guilds);
    return channel;
  }

  /** Sets a permission overwrite (role: type 0, member: type 1) and dispatches CHANNEL_UPDATE. */
  setOverwrite(channelId: string, overwrite: { id: string; type: 0 | 1; allow?: PermissionInput; deny?: PermissionInput }): void {
    const channel = this.state.channels.get(channelId);
    if (!channel) throw new LocalDiscordError(`Unknown channel ${channelId}`);
    const rest = channel.overwrites.filter((o) => o.id !== overwrite.id);
    const allow = toBits(overwrite.allow);
    const deny = toBits(overwrite.deny);
    channel.overwrites = allow === 0n && deny === 0n ? rest : [...rest, { id: overwrite.id, type: overwrite.type, allow, deny }];
    const guild = this.#guild(channel.guild_id);
    guild.payloadCache = undefined;
    this.gateway.dispatch('CHANNEL_UPDATE', channelJson(channel), guild.id, Intents.Guilds);
    this.state.changed();
  }

  /** A member overwrite for the bot in one channel, e.g. `{ deny: ['SendMessages'] }`. */
  setBotPermissions(channelId: string, perms: { allow?: PermissionInput; deny?: PermissionInput }): void {
    this.setOverwrite(channelId, { id: this.bot.id, type: 1, ...perms });
  }

  /** Replaces a role's permissions (GUILD_ROLE_UPDATE). */
  setRolePermissions(roleId: string, permissions: PermissionInput, guildId = this.guild.id): RoleRecord {
    const guild = this.#guild(guildId);
    const role = guild.roles.get(roleId);
    if (!role) throw new LocalDiscordError(`No role ${roleId} in ${guild.name}`);
    role.permissions = toBits(permissions);
    guild.payloadCache = undefined;
    this.gateway.dispatch('GUILD_ROLE_UPDATE', { guild_id: guild.id, role: roleJson(role) }, guild.id, Intents.Guilds);
    this.state.changed();
    return role;
  }

  /** The bot's integration role permissions in a guild. */
  setBotRolePermissions(permissions: PermissionInput, guildId = this.guild.id): RoleRecord {
    const guild = this.#guild(guildId);
    const role = [...guild.roles.values()].find((r) => r.botId === this.bot.id);
    if (!role) throw new LocalDiscordError(`Bot has no role in ${guild.name}`);
    return this.setRolePermissions(role.id, permissions, guildId);
  }

  /** The bot's effective permissions in a channel. */
  botPermissions(channelId: string): bigint {
    const channel = this.state.channels.get(channelId);
    return channel ? this.state.permissions(channel.guild_id, this.bot.id, channelId) : 0n;
  }

  // ---- faults ----

  /** The next `count` requests on a templated route ('POST /channels/:id/messages', or '*') fail. */
  failNext(route: string, options: FailOptions): void {
    this.faults.failNext(route, options);
  }
  /** Adds latency to a route until cleared with `delay(route, 0)` (or for `count` requests). */
  delay(route: string, ms: number, count?: number): void {
    this.faults.delay(route, ms, count);
  }
  clearFaults(): void {
    this.faults.clear();
  }
  /** Kills the gateway sockets without a close frame; the client should RESUME. Returns how many were dropped. */
  dropSocket(): number {
    return this.gateway.dropSockets();
  }
  /**
   * Kills the sockets of shard `shardId` without a close frame (other shards keep theirs); the
   * client should RESUME. `{ resumable: false }` also forgets those sessions, so the RESUME gets
   * op 9 and the shard must IDENTIFY again. Returns how many sockets were killed.
   */
  killShard(shardId: number, opts: { resumable?: boolean } = {}): number {
    return this.gateway.killShard(shardId, opts.resumable ?? true);
  }
  /** The next `count` RESUMEs get INVALID_SESSION (d: false), forcing a fresh IDENTIFY. */
  refuseResume(count = 1): void {
    this.gateway.refuseResume(count);
  }
  /** op 7 Reconnect to every session. */
  requestReconnect(): void {
    this.gateway.requestReconnect();
  }
  /** op 9 Invalid Session to every connected session. */
  invalidateSession(resumable = false): void {
    this.gateway.invalidateSessions(resumable);
  }

  #guild(id: string): GuildRecord {
    const guild = this.state.guilds.get(id);
    if (!guild) throw new LocalDiscordError(`Unknown guild ${id}`);
    return guild;
  }
}

function positiveInt(n: number, name: string): number {
  if (!Number.isInteger(n) || n < 1) throw new LocalDiscordError(`${name} must be a whole number of at least 1 (got ${n})`);
  return n;
}

export { ALL_PERMISSIONS };
