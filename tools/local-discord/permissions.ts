import { PermissionFlagsBits } from 'discord-api-types/v10';
import type { ChannelRecord, GuildRecord, MemberRecord } from './types.js';

export const P = PermissionFlagsBits;
export type PermissionName = keyof typeof PermissionFlagsBits;
/** A bitfield, or flag names such as ['SendMessages', 'ViewChannel']. */
export type PermissionInput = bigint | readonly PermissionName[];

export const ALL_PERMISSIONS: bigint = Object.values(PermissionFlagsBits).reduce((a, b) => a | b, 0n);

export function toBits(input: PermissionInput | undefined): bigint {
  if (input === undefined) return 0n;
  if (typeof input === 'bigint') return input;
  let bits = 0n;
  for (const name of input) {
    const bit = PermissionFlagsBits[name];
    if (bit === undefined) throw new Error(`Unknown permission name: ${String(name)}`);
    bits |= bit;
  }
  return bits;
}

/** Default @everyone permissions of a new server. */
export const EVERYONE_DEFAULT =
  P.CreateInstantInvite | P.AddReactions | P.Stream | P.ViewChannel | P.SendMessages | P.EmbedLinks | P.AttachFiles |
  P.ReadMessageHistory | P.UseExternalEmojis | P.Connect | P.Speak | P.UseVAD | P.ChangeNickname |
  P.UseApplicationCommands | P.RequestToSpeak | P.CreatePublicThreads | P.CreatePrivateThreads | P.UseExternalStickers |
  P.SendMessagesInThreads | P.UseEmbeddedActivities | P.SendVoiceMessages | P.SendPolls | P.UseExternalApps;

/** What the bot's integration role is given by default. */
export const BOT_DEFAULT =
  P.ViewChannel | P.SendMessages | P.SendMessagesInThreads | P.CreatePublicThreads | P.EmbedLinks | P.AttachFiles |
  P.ReadMessageHistory | P.UseExternalEmojis | P.AddReactions | P.UseApplicationCommands;

export function basePermissions(guild: GuildRecord, member: MemberRecord): bigint {
  if (guild.owner_id === member.userId) return ALL_PERMISSIONS;
  let perms = guild.roles.get(guild.id)?.permissions ?? 0n;
  for (const roleId of member.roles) perms |= guild.roles.get(roleId)?.permissions ?? 0n;
  return perms & P.Administrator ? ALL_PERMISSIONS : perms;
}

/** Discord's permission algorithm (base, then @everyone, role and member overwrites). Threads use their parent's overwrites. */
export function channelPermissions(guild: GuildRecord, member: MemberRecord, channel: ChannelRecord | undefined): bigint {
  let perms = basePermissions(guild, member);
  if (perms === ALL_PERMISSIONS || !channel) return perms;
  let source: ChannelRecord | undefined = channel;
  if (channel.thread && channel.parent_id) source = guild.channels.find((c) => c.id === channel.parent_id) ?? channel;
  const ows = source.overwrites;
  if (ows.length === 0) return perms;
  const everyone = ows.find((o) => o.id === guild.id);
  if (everyone) perms = (perms & ~everyone.deny) | everyone.allow;
  let allow = 0n;
  let deny = 0n;
  for (const o of ows) {
    if (o.type === 0 && o.id !== guild.id && member.roles.includes(o.id)) {
      allow |= o.allow;
      deny |= o.deny;
    }
  }
  perms = (perms & ~deny) | allow;
  const own = ows.find((o) => o.type === 1 && o.id === member.userId);
  if (own) perms = (perms & ~own.deny) | own.allow;
  // Without View Channel nothing else applies.
  if (!(perms & P.ViewChannel)) return 0n;
  return perms;
}

export function missing(perms: bigint, needed: bigint): boolean {
  return (perms & needed) !== needed;
}

export function permissionNames(bits: bigint): PermissionName[] {
  return (Object.keys(PermissionFlagsBits) as PermissionName[]).filter((n) => (bits & PermissionFlagsBits[n]) !== 0n);
}
