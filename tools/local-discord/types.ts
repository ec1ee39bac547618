/**
 * Records the local Discord keeps. Field names mirror Discord's JSON (snake_case)
 * where a record is the stored form of an API object, so tests can compare them
 * with what the bot sent.
 */

export interface UserRecord {
  id: string;
  username: string;
  global_name: string | null;
  bot: boolean;
  /** Locale the user's client reports in interactions. */
  locale: string;
}

export interface RoleRecord {
  id: string;
  name: string;
  permissions: bigint;
  position: number;
  color: number;
  hoist: boolean;
  mentionable: boolean;
  /** Set for the bot's managed integration role. */
  botId?: string;
}

export interface MemberRecord {
  userId: string;
  roles: string[];
  nick: string | null;
  joined_at: string;
}

export interface OverwriteRecord {
  id: string;
  /** 0 = role, 1 = member */
  type: 0 | 1;
  allow: bigint;
  deny: bigint;
}

export interface ThreadMeta {
  owner_id: string;
  archived: boolean;
  locked: boolean;
  auto_archive_duration: number;
  create_timestamp: string;
  archive_timestamp: string;
  invitable?: boolean;
  message_count: number;
  total_message_sent: number;
  /** The message the thread was started from (same id as the thread). */
  starter_message_id?: string;
}

export interface ChannelRecord {
  id: string;
  guild_id: string;
  name: string;
  /** 0 text, 4 category, 5 announcement, 10/11/12 threads */
  type: number;
  position: number;
  parent_id: string | null;
  topic: string | null;
  nsfw: boolean;
  rate_limit_per_user: number;
  overwrites: OverwriteRecord[];
  last_message_id: string | null;
  /** Messages in creation order (deleted ones are removed). */
  messages: MessageRecord[];
  thread?: ThreadMeta;
}

export interface GuildRecord {
  id: string;
  name: string;
  owner_id: string;
  preferred_locale: string;
  features: string[];
  joined_at: string;
  /** Roles by id; @everyone has the guild's id. */
  roles: Map<string, RoleRecord>;
  members: Map<string, MemberRecord>;
  /** Non-thread channels in order. */
  channels: ChannelRecord[];
  threads: ChannelRecord[];
  /** Cached GUILD_CREATE JSON (dropped on any change). */
  payloadCache?: string | undefined;
  /** In an outage: READY lists it as unavailable and no GUILD_CREATE follows until it recovers. */
  unavailable?: boolean;
}

export interface AttachmentRecord {
  id: string;
  filename: string;
  size: number;
  content_type?: string;
  description?: string;
  url: string;
  proxy_url: string;
  ephemeral?: boolean;
  /** The bytes uploaded (not part of Discord's JSON). */
  data: Buffer;
}

export interface Pinged {
  users: string[];
  roles: string[];
  everyone: boolean;
}

export interface MessageRecord {
  id: string;
  channel_id: string;
  guild_id: string;
  /** 0 default, 19 reply, 20 chat-input command response */
  type: number;
  author: UserRecord;
  content: string;
  embeds: Record<string, unknown>[];
  components: Record<string, unknown>[];
  flags: number;
  attachments: AttachmentRecord[];
  /** As sent by the bot (undefined when it sent none). */
  allowed_mentions: Record<string, unknown> | undefined;
  /** Who Discord would actually notify, given content and allowed_mentions. */
  pinged: Pinged;
  nonce?: string | number | undefined;
  tts: boolean;
  timestamp: string;
  edited_timestamp: string | null;
  /** Number of edits applied. */
  edits: number;
  /** The thread started from this message, if any. */
  thread_id?: string;
  /** Set when the message is an interaction response or follow-up. */
  interaction?: { id: string; type: number; name?: string; user_id: string };
  webhook_id?: string;
  /** Visible only to the interaction's user (flags & 64). */
  ephemeral: boolean;
  /** Deferred response still "thinking" (flags & 128). */
  loading: boolean;
  poll?: unknown;
  sticker_ids?: string[];
  message_reference?: Record<string, unknown>;
}

export interface CommandRecord {
  id: string;
  application_id: string;
  guild_id?: string;
  version: string;
  name: string;
  type: number;
  /** The full JSON as registered (with Discord's defaults filled in). */
  json: Record<string, unknown>;
}

export interface CallRecord {
  method: string;
  /** Path after /api/v10, query string excluded. */
  path: string;
  /** Templated route, e.g. 'POST /channels/:id/messages'. */
  route: string;
  status: number;
  /** Parsed JSON body (payload_json for multipart). */
  body: unknown;
  /** Names of uploaded files. */
  files?: string[];
  query: string;
  /** Date.now() when the request arrived. */
  at: number;
  /** ms the server took (including injected delays). */
  ms: number;
}

export interface UnknownRouteRecord {
  method: string;
  path: string;
  at: number;
}

export interface InteractionResponseRecord {
  /** Interaction callback type (4 message, 5 defer, 6 deferred update, 7 update, 8 autocomplete, 9 modal). */
  type: number;
  data: Record<string, unknown> | undefined;
  /** The message created or updated by the callback. */
  message?: MessageRecord;
  at: number;
}

export interface InteractionRecord {
  id: string;
  token: string;
  /** 2 command, 3 component, 4 autocomplete, 5 modal submit */
  type: number;
  guild_id: string;
  channel_id: string;
  user_id: string;
  /** Command name or custom_id, for error messages. */
  label: string;
  /** 'quiz start' for commands (message interaction metadata). */
  command_name?: string;
  created_at: number;
  response?: InteractionResponseRecord;
  /** The @original message id (reply, deferred reply or, for 6/7, the component's message). */
  original_id?: string;
  followup_ids: string[];
  /** Message the component was on. */
  source_message_id?: string;
  /** Whether the session that should receive the interaction was connected. */
  delivered: boolean;
}

export interface LocalDiscordOptions {
  /** Bot token accepted on REST and IDENTIFY. Default: a random token. */
  token?: string;
  applicationId?: string;
  botUser?: { id?: string; username?: string; global_name?: string };
  /** Total guilds the bot is in (the default fixture guild included). Default 1. */
  guilds?: number;
  /** Text channels in each generated guild (the fixture guild gets its named channels plus extras up to this). Default 4. */
  channelsPerGuild?: number;
  heartbeatIntervalMs?: number;
  /** How long the bot has to acknowledge an interaction (Discord: 3 s). */
  interactionAckWindowMs?: number;
  /** Keep at most this many messages per channel, forgetting the oldest (soak runs). Default: all. */
  maxMessagesPerChannel?: number;
  /** Record every REST call in `calls` (default true; benchmarks may turn it off). */
  recordCalls?: boolean;
  /** Dispatches kept per session for RESUME. Default 8192. */
  replayBufferSize?: number;
  /** Default timeout of the test-facing waits. Default 5000. */
  waitTimeoutMs?: number;
  /** enforce_nonce window. Default 5 minutes. */
  nonceWindowMs?: number;
  /** Refuse running commands that were never registered (default true). */
  requireRegisteredCommands?: boolean;
  /** Bitfield of privileged intents the application may use (default: all). */
  allowedPrivilegedIntents?: number;
  /** Port to listen on, on 127.0.0.1 (default: any free one). A fixed port lets a test start the stand-in after the bot. */
  port?: number;
  /** `shards` in GET /gateway/bot: what discord.js starts when no shard count is given. Default 1. */
  recommendedShards?: number;
  /**
   * `session_start_limit.max_concurrency` in GET /gateway/bot. @discordjs/ws identifies shards with
   * the same `id % max_concurrency` 5 s apart, so a test with n shards wants n here. Default 1.
   */
  maxConcurrency?: number;
  /** IDENTIFY is closed with 4011 Sharding required when its shard would hold more guilds than this. Default 2500, as on Discord. */
  maxGuildsPerShard?: number;
  /**
   * Fixture guild ids are made so that guild i (the fixture guild 'g1' is 0) lands on shard i % n of n.
   * Default `recommendedShards`; 1 leaves ids as plain time-ordered snowflakes.
   */
  spreadGuildsOver?: number;
}
