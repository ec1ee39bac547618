import { P } from './permissions.js';
import { snowflakeOnShard } from './snowflake.js';
import type { State } from './state.js';
import type { ChannelRecord, GuildRecord, RoleRecord, UserRecord } from './types.js';

export interface FixtureChannels {
  general: ChannelRecord;
  quiz: ChannelRecord;
  prompts: ChannelRecord;
  /** @everyone is denied Send Messages here, so the bot cannot post. */
  locked: ChannelRecord;
}

export interface Fixture {
  guild: GuildRecord;
  channels: FixtureChannels;
  owner: UserRecord;
  /** Has Manage Server + Manage Messages through the 'Moderator' role. */
  moderator: UserRecord;
  moderatorRole: RoleRecord;
  /** Plain members (only @everyone). */
  member: UserRecord;
  member2: UserRecord;
}

export const MODERATOR_PERMISSIONS = P.ManageGuild | P.ManageMessages;
const LOCKED_DENY = P.SendMessages | P.SendMessagesInThreads | P.CreatePublicThreads | P.CreatePrivateThreads;

/**
 * The default world: guild 'g1' with #general, #quiz, #prompts, #locked, an owner,
 * a moderator and two members; plus `guilds - 1` generated guilds with
 * `channelsPerGuild` text channels each, all sharing the same users. With
 * `spreadOver` > 1, guild i (g1 is 0) gets an id on shard i % spreadOver.
 */
export function buildFixture(state: State, guilds: number, channelsPerGuild: number, spreadOver = 1): Fixture {
  const idFor = (i: number): { id?: string } => (spreadOver > 1 ? { id: snowflakeOnShard(i % spreadOver, spreadOver) } : {});
  const owner = state.addUser({ username: 'owner' });
  const moderator = state.addUser({ username: 'mod' });
  const member = state.addUser({ username: 'alice' });
  const member2 = state.addUser({ username: 'bob' });

  const guild = state.addGuild({ name: 'g1', ownerId: owner.id, ...idFor(0) });
  const moderatorRole = state.addRole(guild, { name: 'Moderator', permissions: MODERATOR_PERMISSIONS });
  state.addMember(guild, moderator.id, [moderatorRole.id]);
  state.addMember(guild, member.id);
  state.addMember(guild, member2.id);
  const channels: FixtureChannels = {
    general: state.addChannel(guild, { name: 'general' }),
    quiz: state.addChannel(guild, { name: 'quiz' }),
    prompts: state.addChannel(guild, { name: 'prompts' }),
    locked: state.addChannel(guild, {
      name: 'locked',
      overwrites: [{ id: guild.id, type: 0, allow: 0n, deny: LOCKED_DENY }],
    }),
  };
  for (let c = guild.channels.length + 1; c <= channelsPerGuild; c++) state.addChannel(guild, { name: `channel-${c}` });

  for (let g = 2; g <= guilds; g++) {
    const extra = state.addGuild({ name: `guild-${g}`, ownerId: owner.id, ...idFor(g - 1) });
    const mod = state.addRole(extra, { name: 'Moderator', permissions: MODERATOR_PERMISSIONS });
    extra.members.set(moderator.id, { userId: moderator.id, roles: [mod.id], nick: null, joined_at: extra.joined_at });
    extra.members.set(member.id, { userId: member.id, roles: [], nick: null, joined_at: extra.joined_at });
    extra.members.set(member2.id, { userId: member2.id, roles: [], nick: null, joined_at: extra.joined_at });
    for (let c = 1; c <= channelsPerGuild; c++) state.addChannel(extra, { name: `channel-${c}` });
  }
  return { guild, channels, owner, moderator, moderatorRole, member, member2 };
}
