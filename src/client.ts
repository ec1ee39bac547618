import { Client, GatewayIntentBits, LimitedCollection, Options, type ClientOptions } from 'discord.js';

// Caches the bot never reads. A maxSize-0 LimitedCollection never stores anything,
// so one instance can serve every manager of these kinds instead of one per channel.
const NEVER_CACHED = [
  'MessageManager',
  'GuildMessageManager',
  'DMMessageManager',
  'PresenceManager',
  'ReactionManager',
  'ReactionUserManager',
  'GuildEmojiManager',
  'GuildStickerManager',
  'GuildSoundboardSoundManager',
  'VoiceStateManager',
  'StageInstanceManager',
  'GuildScheduledEventManager',
  'GuildBanManager',
  'GuildInviteManager',
  'ThreadMemberManager',
  'AutoModerationRuleManager',
  'ApplicationCommandManager',
  'GuildApplicationCommandManager',
  'ApplicationEmojiManager',
  'EntitlementManager',
];

function makeCache(): ClientOptions['makeCache'] {
  const empty = new LimitedCollection({ maxSize: 0 });
  const limited = Options.cacheWithLimits({
    // Only the bot's own member is needed, to check its permissions in a channel.
    GuildMemberManager: { maxSize: 0, keepOverLimit: (member) => member.id === member.client.user.id },
    UserManager: { maxSize: 0, keepOverLimit: (user) => user.id === user.client.user.id },
  });
  return (managerType, holds, manager) => (NEVER_CACHED.includes(manager.name) ? (empty as never) : limited(managerType, holds, manager));
}

export function createClient(apiUrl: string | undefined): Client {
  return new Client({
    intents: [GatewayIntentBits.Guilds],
    makeCache: makeCache(),
    rest: apiUrl ? { api: apiUrl } : {},
    allowedMentions: { parse: [] },
    failIfNotExists: false,
  });
}
