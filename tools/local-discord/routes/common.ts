import { forbidden, missingAccess, notFound } from '../errors.js';
import { missing } from '../permissions.js';
import type { State } from '../state.js';
import type { ChannelRecord, GuildRecord } from '../types.js';

export interface RouteConfig {
  state: State;
  /** Window to acknowledge an interaction (Discord: 3 s). */
  ackWindowMs: number;
  nonceWindowMs: number;
  gatewayUrl: () => string;
  /** GET /gateway/bot: the recommended shard count and session_start_limit.max_concurrency. */
  recommendedShards: number;
  maxConcurrency: number;
  /** Counts PUTs of command lists. */
  onCommandPut: () => void;
}

export interface ChannelAccess {
  channel: ChannelRecord;
  guild: GuildRecord;
  perms: bigint;
}

/** Resolves a channel the bot can see; 404 10003 / 403 50001 otherwise, 403 50013 when `needed` is missing. */
export function channelAccess(state: State, channelId: string, needed = 0n): ChannelAccess {
  const channel = state.channels.get(channelId);
  if (!channel) throw notFound(10003);
  const guild = state.guilds.get(channel.guild_id);
  if (!guild || !guild.members.has(state.bot.id)) throw missingAccess();
  const perms = state.permissions(guild.id, state.bot.id, channel.id);
  if (perms === 0n) throw missingAccess();
  if (needed !== 0n && missing(perms, needed)) throw forbidden(50013);
  return { channel, guild, perms };
}

export function guildAccess(state: State, guildId: string): GuildRecord {
  const guild = state.guilds.get(guildId);
  if (!guild) throw notFound(10004);
  if (!guild.members.has(state.bot.id)) throw missingAccess();
  return guild;
}
