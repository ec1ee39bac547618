import { Client, GatewayIntentBits, isJSONEncodable, LimitedCollection, Options, type ClientOptions } from 'discord.js';

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
  // Every text channel has its own thread manager; an empty Collection each costs about 240 bytes
  // (30 MB over 125,000 channels). Threads stay in client.channels and guild.channels, which is
  // where the bot finds them; it never reads channel.threads.cache or message.thread.
  'GuildTextThreadManager',
  'GuildForumThreadManager',
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

// discord.js passes plain-object embeds and components (such as the pre-rendered excerpts)
// through `jsonTransformer`, by default its toSnakeCase: lodash's snakeCase on every key of every
// reply, about 5 % of the CPU of an /excerpt. This is the same function with each key's snake
// case remembered (the keys come from our code, so there are few; at most MAX_KEYS are kept).
const defaultTransformer = Options.createDefault().jsonTransformer as (value: unknown) => unknown;
const snakeKeys = new Map<string, string>();
const MAX_KEYS = 1000;

function snakeKey(key: string): string {
  let snake = snakeKeys.get(key);
  if (snake === undefined) {
    snake = Object.keys(defaultTransformer({ [key]: null }) as object)[0] ?? key;
    if (snakeKeys.size < MAX_KEYS) snakeKeys.set(key, snake);
  }
  return snake;
}

export function toSnakeCase(value: unknown): unknown {
  if (typeof value !== 'object' || !value) return value;
  if (value instanceof Date) return value;
  if (isJSONEncodable(value)) return toSnakeCase(value.toJSON());
  if (Array.isArray(value)) return value.map(toSnakeCase);
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) =>
      // discord.js resolves a string 'emoji' to a partial emoji object; keep its own handling for that.
      key === 'emoji' && typeof inner === 'string' ? Object.entries(defaultTransformer({ emoji: inner }) as object)[0]! : [snakeKey(key), toSnakeCase(inner)],
    ),
  );
}

export function createClient(apiUrl: string | undefined): Client {
  return new Client({
    intents: [GatewayIntentBits.Guilds],
    makeCache: makeCache(),
    rest: apiUrl ? { api: apiUrl } : {},
    // The one place mentions are turned off: discord.js applies it to every message, reply, edit and
    // follow-up that does not set its own, so nothing the bot posts can ping (tests/faults-mentions).
    allowedMentions: { parse: [] },
    failIfNotExists: false,
    jsonTransformer: toSnakeCase,
  });
}
