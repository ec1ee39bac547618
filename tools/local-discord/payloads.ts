/**
 * Serialisers from records to Discord's JSON shapes (discord-api-types v10).
 * Fields discord.js would choke on as null are omitted rather than nulled.
 */
import type {
  APIAttachment,
  APIChannel,
  APIGuild,
  APIGuildMember,
  APIMessage,
  APIMessageReference,
  APIPoll,
  APIRole,
  APIUser,
  GatewayGuildCreateDispatchData,
  GuildFeature,
  GuildMemberFlags,
  GuildSystemChannelFlags,
  Locale,
  RoleFlags,
  UserFlags,
} from 'discord-api-types/v10';
import type { State } from './state.js';
import type { AttachmentRecord, ChannelRecord, GuildRecord, MemberRecord, MessageRecord, RoleRecord, UserRecord } from './types.js';

export function userJson(u: UserRecord): APIUser {
  const json: APIUser = {
    id: u.id,
    username: u.username,
    discriminator: '0',
    global_name: u.global_name,
    avatar: null,
    public_flags: 0 as UserFlags,
    avatar_decoration_data: null,
  };
  if (u.bot) json.bot = true;
  return json;
}

export function roleJson(r: RoleRecord): APIRole {
  const json: APIRole = {
    id: r.id,
    name: r.name,
    color: r.color,
    colors: { primary_color: r.color, secondary_color: null, tertiary_color: null },
    hoist: r.hoist,
    icon: null,
    unicode_emoji: null,
    position: r.position,
    permissions: r.permissions.toString(),
    managed: r.botId !== undefined,
    mentionable: r.mentionable,
    flags: 0 as RoleFlags,
  };
  if (r.botId) json.tags = { bot_id: r.botId };
  return json;
}

/** Without `user` for resolved members and MESSAGE_CREATE's member. */
export function memberJson(state: State, m: MemberRecord, withUser = true): Omit<APIGuildMember, 'user'> & { user?: APIUser } {
  const json: Omit<APIGuildMember, 'user'> & { user?: APIUser } = {
    nick: m.nick,
    avatar: null,
    banner: null,
    roles: m.roles,
    joined_at: m.joined_at,
    premium_since: null,
    deaf: false,
    mute: false,
    flags: 0 as GuildMemberFlags,
    pending: false,
    communication_disabled_until: null,
  };
  if (withUser) {
    const user = state.users.get(m.userId);
    if (user) json.user = userJson(user);
  }
  return json;
}

export function channelJson(c: ChannelRecord, withGuildId = true): Record<string, unknown> {
  const json: Record<string, unknown> = {
    id: c.id,
    type: c.type,
    name: c.name,
    last_message_id: c.last_message_id,
    rate_limit_per_user: c.rate_limit_per_user,
    flags: 0,
  };
  if (withGuildId) json.guild_id = c.guild_id;
  if (c.thread) {
    const t = c.thread;
    json.parent_id = c.parent_id;
    json.owner_id = t.owner_id;
    json.message_count = t.message_count;
    json.member_count = 1;
    json.total_message_sent = t.total_message_sent;
    json.thread_metadata = {
      archived: t.archived,
      auto_archive_duration: t.auto_archive_duration,
      archive_timestamp: t.archive_timestamp,
      locked: t.locked,
      create_timestamp: t.create_timestamp,
      ...(t.invitable === undefined ? {} : { invitable: t.invitable }),
    };
    return json;
  }
  json.position = c.position;
  json.parent_id = c.parent_id;
  json.permission_overwrites = c.overwrites.map((o) => ({ id: o.id, type: o.type, allow: o.allow.toString(), deny: o.deny.toString() }));
  json.nsfw = c.nsfw;
  if (c.type === 0 || c.type === 5) json.topic = c.topic;
  return json;
}

/** GET /guilds/:id shape. */
export function guildJson(g: GuildRecord): APIGuild {
  return {
    id: g.id,
    name: g.name,
    icon: null,
    splash: null,
    discovery_splash: null,
    owner_id: g.owner_id,
    afk_channel_id: null,
    afk_timeout: 300,
    widget_enabled: false,
    widget_channel_id: null,
    verification_level: 0,
    default_message_notifications: 0,
    explicit_content_filter: 0,
    roles: [...g.roles.values()].map(roleJson),
    emojis: [],
    features: g.features as GuildFeature[],
    mfa_level: 0,
    application_id: null,
    system_channel_id: g.channels[0]?.id ?? null,
    system_channel_flags: 0 as GuildSystemChannelFlags,
    rules_channel_id: null,
    max_presences: null,
    max_members: 500000,
    vanity_url_code: null,
    description: null,
    banner: null,
    premium_tier: 0,
    premium_subscription_count: 0,
    preferred_locale: g.preferred_locale as Locale,
    public_updates_channel_id: null,
    max_video_channel_users: 25,
    max_stage_video_channel_users: 50,
    nsfw_level: 0,
    stickers: [],
    premium_progress_bar_enabled: false,
    safety_alerts_channel_id: null,
    incidents_data: null,
    hub_type: null,
  };
}

/** GUILD_CREATE payload as JSON text (cached until the guild changes). */
export function guildCreateJson(state: State, g: GuildRecord): string {
  if (g.payloadCache) return g.payloadCache;
  const botMember = g.members.get(state.bot.id);
  const d: GatewayGuildCreateDispatchData = {
    ...guildJson(g),
    joined_at: g.joined_at,
    large: g.members.size > 250,
    unavailable: false,
    member_count: g.members.size,
    voice_states: [],
    members: botMember ? [memberJson(state, botMember) as APIGuildMember] : [],
    channels: g.channels.map((c) => channelJson(c, false)) as unknown as GatewayGuildCreateDispatchData['channels'],
    threads: g.threads.filter((t) => !t.thread?.archived).map((t) => channelJson(t, true)) as unknown as GatewayGuildCreateDispatchData['threads'],
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  };
  g.payloadCache = JSON.stringify(d);
  return g.payloadCache;
}

export function attachmentJson(a: AttachmentRecord): APIAttachment {
  const json: APIAttachment = { id: a.id, filename: a.filename, size: a.size, url: a.url, proxy_url: a.proxy_url };
  if (a.content_type) json.content_type = a.content_type;
  if (a.description) json.description = a.description;
  if (a.ephemeral) json.ephemeral = true;
  return json;
}

export function messageJson(state: State, m: MessageRecord): APIMessage {
  const json: APIMessage = {
    type: m.type,
    channel_id: m.channel_id,
    content: m.content,
    attachments: m.attachments.map(attachmentJson),
    embeds: m.embeds,
    timestamp: m.timestamp,
    edited_timestamp: m.edited_timestamp,
    flags: m.flags,
    components: m.components as unknown as APIMessage['components'],
    id: m.id,
    author: userJson(m.author),
    mentions: m.pinged.users.flatMap((id) => {
      const u = state.users.get(id);
      return u ? [userJson(u)] : [];
    }),
    mention_roles: m.pinged.roles,
    mention_everyone: m.pinged.everyone,
    pinned: false,
    tts: m.tts,
  };
  if (m.nonce !== undefined) json.nonce = m.nonce;
  if (m.webhook_id) {
    json.webhook_id = m.webhook_id;
    json.application_id = state.applicationId;
  }
  if (m.interaction) {
    const user = state.users.get(m.interaction.user_id);
    const userObj = user ? userJson(user) : userJson({ id: m.interaction.user_id, username: 'unknown', global_name: null, bot: false, locale: 'en-US' });
    json.interaction_metadata = {
      id: m.interaction.id,
      type: m.interaction.type,
      user: userObj,
      authorizing_integration_owners: { '0': m.guild_id },
    };
    if (m.interaction.name) json.interaction = { id: m.interaction.id, type: m.interaction.type, name: m.interaction.name, user: userObj };
  }
  if (m.message_reference) json.message_reference = m.message_reference as unknown as APIMessageReference;
  if (m.poll) json.poll = m.poll as APIPoll;
  if (m.thread_id) {
    const thread = state.channels.get(m.thread_id);
    if (thread) json.thread = channelJson(thread) as unknown as APIChannel;
  }
  return json;
}

/** MESSAGE_CREATE / UPDATE dispatch data: the message plus guild_id and member. */
export function messageDispatchJson(state: State, m: MessageRecord): Record<string, unknown> {
  const json: Record<string, unknown> = { ...messageJson(state, m), guild_id: m.guild_id };
  const member = state.member(m.guild_id, m.author.id);
  if (member && !m.webhook_id) json.member = memberJson(state, member, false);
  return json;
}
