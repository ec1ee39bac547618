import { BOT_DEFAULT, channelPermissions, EVERYONE_DEFAULT } from './permissions.js';
import { snowflake } from './snowflake.js';
import type {
  AttachmentRecord,
  ChannelRecord,
  CommandRecord,
  GuildRecord,
  InteractionRecord,
  MemberRecord,
  MessageRecord,
  OverwriteRecord,
  RoleRecord,
  UserRecord,
} from './types.js';

/** Gateway intents as bits (discord-api-types GatewayIntentBits). */
export const Intents = { Guilds: 1, GuildMembers: 2, GuildMessages: 1 << 9, MessageContent: 1 << 15 } as const;

/** Sends a dispatch to the sessions that should see it. Wired up by LocalDiscord. */
export type Dispatch = (event: string, data: unknown, guildId: string | undefined, intent: number) => number;

export interface NewChannel {
  name: string;
  type?: number;
  parent_id?: string | null;
  topic?: string | null;
  overwrites?: OverwriteRecord[];
  position?: number;
}

/** Everything the fake Discord knows. Plain maps and arrays; no I/O. */
export class State {
  readonly users = new Map<string, UserRecord>();
  readonly guilds = new Map<string, GuildRecord>();
  readonly channels = new Map<string, ChannelRecord>();
  readonly messages = new Map<string, MessageRecord>();
  readonly globalCommands: CommandRecord[] = [];
  readonly guildCommands = new Map<string, CommandRecord[]>();
  /** By token and by id. */
  readonly interactions = new Map<string, InteractionRecord>();
  readonly interactionsById = new Map<string, InteractionRecord>();
  /** enforce_nonce: `${channel}:${author}:${nonce}` -> message id + time. */
  readonly nonces = new Map<string, { id: string; at: number }>();
  /** Files attached to interactions as attachment options, by attachment id. */
  readonly uploads = new Map<string, AttachmentRecord>();
  readonly bot: UserRecord;
  readonly applicationId: string;
  /** Set once the server listens; used for attachment URLs. */
  origin = 'http://127.0.0.1';
  dispatch: Dispatch = () => 0;
  /** Oldest messages of a channel are forgotten beyond this (soak runs). */
  maxMessagesPerChannel = Number.POSITIVE_INFINITY;
  #created = 0;
  #listeners = new Set<() => void>();
  #interactionListeners = new Map<string, Set<() => void>>();

  constructor(opts: { applicationId?: string | undefined; bot?: { id?: string; username?: string; global_name?: string } | undefined }) {
    const id = opts.bot?.id ?? snowflake();
    this.applicationId = opts.applicationId ?? id;
    this.bot = { id, username: opts.bot?.username ?? 'LocalBot', global_name: opts.bot?.global_name ?? null, bot: true, locale: 'en-US' };
    this.users.set(id, this.bot);
  }

  /** Tell waiters something changed. Cheap when nobody waits. */
  changed(): void {
    if (this.#listeners.size === 0) return;
    for (const l of [...this.#listeners]) l();
  }

  listen(fn: () => void): () => void {
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  }

  /** Listen to one interaction only (its callback, edits and follow-ups): O(1) per change however many wait. */
  listenInteraction(id: string, fn: () => void): () => void {
    let set = this.#interactionListeners.get(id);
    if (!set) {
      set = new Set();
      this.#interactionListeners.set(id, set);
    }
    set.add(fn);
    return () => {
      set.delete(fn);
      if (set.size === 0) this.#interactionListeners.delete(id);
    };
  }

  /** Something about this interaction (by id) or its messages changed. */
  interactionChanged(id: string | undefined): void {
    if (id === undefined || this.#interactionListeners.size === 0) return;
    const set = this.#interactionListeners.get(id);
    if (set) for (const l of [...set]) l();
  }

  addUser(opts: { username: string; id?: string; global_name?: string | null; bot?: boolean; locale?: string }): UserRecord {
    const user: UserRecord = {
      id: opts.id ?? snowflake(),
      username: opts.username,
      global_name: opts.global_name ?? null,
      bot: opts.bot ?? false,
      locale: opts.locale ?? 'en-US',
    };
    this.users.set(user.id, user);
    return user;
  }

  addGuild(opts: { name: string; id?: string; ownerId: string; botPermissions?: bigint; everyonePermissions?: bigint; locale?: string }): GuildRecord {
    const id = opts.id ?? snowflake();
    const now = new Date().toISOString();
    const guild: GuildRecord = {
      id,
      name: opts.name,
      owner_id: opts.ownerId,
      preferred_locale: opts.locale ?? 'en-US',
      features: [],
      joined_at: now,
      roles: new Map(),
      members: new Map(),
      channels: [],
      threads: [],
    };
    guild.roles.set(id, { id, name: '@everyone', permissions: opts.everyonePermissions ?? EVERYONE_DEFAULT, position: 0, color: 0, hoist: false, mentionable: false });
    this.addBotMember(guild, opts.botPermissions ?? BOT_DEFAULT, now);
    if (!guild.members.has(opts.ownerId)) guild.members.set(opts.ownerId, { userId: opts.ownerId, roles: [], nick: null, joined_at: now });
    this.guilds.set(id, guild);
    return guild;
  }

  /** The bot joins: a managed role of its own (as the invite's permissions make it) and its member. */
  addBotMember(guild: GuildRecord, permissions: bigint = BOT_DEFAULT, joinedAt = new Date().toISOString()): MemberRecord {
    const botRole: RoleRecord = {
      id: snowflake(),
      name: this.bot.username,
      permissions,
      position: 1,
      color: 0,
      hoist: false,
      mentionable: false,
      botId: this.bot.id,
    };
    guild.roles.set(botRole.id, botRole);
    const member: MemberRecord = { userId: this.bot.id, roles: [botRole.id], nick: null, joined_at: joinedAt };
    guild.members.set(this.bot.id, member);
    guild.joined_at = joinedAt;
    guild.payloadCache = undefined;
    return member;
  }

  /** The bot leaves: Discord deletes its member and its managed role. */
  removeBotMember(guild: GuildRecord): void {
    guild.members.delete(this.bot.id);
    for (const [id, role] of guild.roles) if (role.botId === this.bot.id) guild.roles.delete(id);
    guild.payloadCache = undefined;
  }

  addRole(guild: GuildRecord, opts: { name: string; permissions: bigint; id?: string; color?: number }): RoleRecord {
    const role: RoleRecord = {
      id: opts.id ?? snowflake(),
      name: opts.name,
      permissions: opts.permissions,
      position: guild.roles.size,
      color: opts.color ?? 0,
      hoist: false,
      mentionable: false,
    };
    guild.roles.set(role.id, role);
    guild.payloadCache = undefined;
    return role;
  }

  addMember(guild: GuildRecord, userId: string, roles: string[] = []): MemberRecord {
    const member: MemberRecord = { userId, roles, nick: null, joined_at: new Date().toISOString() };
    guild.members.set(userId, member);
    guild.payloadCache = undefined;
    return member;
  }

  addChannel(guild: GuildRecord, opts: NewChannel, id: string = snowflake()): ChannelRecord {
    const channel: ChannelRecord = {
      id,
      guild_id: guild.id,
      name: opts.name,
      type: opts.type ?? 0,
      position: opts.position ?? guild.channels.length,
      parent_id: opts.parent_id ?? null,
      topic: opts.topic ?? null,
      nsfw: false,
      rate_limit_per_user: 0,
      overwrites: opts.overwrites ?? [],
      last_message_id: null,
      messages: [],
    };
    this.channels.set(id, channel);
    guild.channels.push(channel);
    guild.payloadCache = undefined;
    return channel;
  }

  addThread(parent: ChannelRecord, opts: { id: string; name: string; type: number; ownerId: string; autoArchive: number; invitable?: boolean; starter?: string }): ChannelRecord {
    const guild = this.guilds.get(parent.guild_id);
    if (!guild) throw new Error(`guild ${parent.guild_id} missing`);
    const now = new Date().toISOString();
    const thread: ChannelRecord = {
      id: opts.id,
      guild_id: guild.id,
      name: opts.name,
      type: opts.type,
      position: 0,
      parent_id: parent.id,
      topic: null,
      nsfw: false,
      rate_limit_per_user: 0,
      overwrites: [],
      last_message_id: null,
      messages: [],
      thread: {
        owner_id: opts.ownerId,
        archived: false,
        locked: false,
        auto_archive_duration: opts.autoArchive,
        create_timestamp: now,
        archive_timestamp: now,
        message_count: 0,
        total_message_sent: 0,
        ...(opts.type === 12 ? { invitable: opts.invitable ?? true } : {}),
        ...(opts.starter ? { starter_message_id: opts.starter } : {}),
      },
    };
    this.channels.set(thread.id, thread);
    guild.threads.push(thread);
    guild.payloadCache = undefined;
    return thread;
  }

  /** A stand-in for a channel Discord knows but this fake does not (forged interactions). Not stored. */
  placeholderChannel(id: string, guildId: string): ChannelRecord {
    return { id, guild_id: guildId, name: '(unknown)', type: 0, position: 0, parent_id: null, topic: null, nsfw: false, rate_limit_per_user: 0, overwrites: [], last_message_id: null, messages: [] };
  }

  member(guildId: string, userId: string): MemberRecord | undefined {
    return this.guilds.get(guildId)?.members.get(userId);
  }

  /** Permissions of a member in a channel (0n when not a member). */
  permissions(guildId: string, userId: string, channelId?: string): bigint {
    const guild = this.guilds.get(guildId);
    const member = guild?.members.get(userId);
    if (!guild || !member) return 0n;
    return channelPermissions(guild, member, channelId ? this.channels.get(channelId) : undefined);
  }

  storeMessage(message: MessageRecord): void {
    this.messages.set(message.id, message);
    const channel = this.channels.get(message.channel_id);
    if (channel) {
      channel.messages.push(message);
      if (channel.messages.length > this.maxMessagesPerChannel) {
        for (const old of channel.messages.splice(0, channel.messages.length - this.maxMessagesPerChannel)) this.messages.delete(old.id);
      }
      channel.last_message_id = message.id;
      if (channel.thread) {
        channel.thread.message_count++;
        channel.thread.total_message_sent++;
      }
    }
  }

  deleteMessage(message: MessageRecord): void {
    this.messages.delete(message.id);
    this.interactionChanged(message.interaction?.id);
    const channel = this.channels.get(message.channel_id);
    if (!channel) return;
    const i = channel.messages.lastIndexOf(message);
    if (i >= 0) channel.messages.splice(i, 1);
    if (channel.thread) channel.thread.message_count = Math.max(0, channel.thread.message_count - 1);
  }

  /** Tracks a new interaction; every 1024th call forgets interactions past their 15-minute token lifetime and stale nonces. */
  addInteraction(rec: InteractionRecord, nonceWindowMs: number): void {
    this.interactions.set(rec.token, rec);
    this.interactionsById.set(rec.id, rec);
    if (++this.#created % 1024 !== 0) return;
    const now = Date.now();
    for (const [token, old] of this.interactions) {
      if (now - old.created_at < 15 * 60 * 1000) break;
      this.interactions.delete(token);
      this.interactionsById.delete(old.id);
    }
    for (const [key, n] of this.nonces) {
      if (now - n.at < nonceWindowMs) break;
      this.nonces.delete(key);
    }
  }

  commandsFor(guildId: string | undefined): CommandRecord[] {
    if (!guildId) return this.globalCommands;
    let list = this.guildCommands.get(guildId);
    if (!list) {
      list = [];
      this.guildCommands.set(guildId, list);
    }
    return list;
  }

  /** A command a user could run in a guild: guild commands shadow global ones. */
  findCommand(name: string, guildId: string, type = 1): CommandRecord | undefined {
    return (
      this.guildCommands.get(guildId)?.find((c) => c.name === name && c.type === type) ??
      this.globalCommands.find((c) => c.name === name && c.type === type)
    );
  }
}
