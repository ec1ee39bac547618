import { z } from 'zod';
import { DEFAULT_CONTENT_DIR } from './content/paths.js';
import { plural } from './render/text.js';
import { canonicalTimeZone } from './schedule/zoned.js';
import { isSupportedStorageUrl, SUPPORTED_STORAGE_URLS } from './storage/open.js';

const snowflake = z.string().regex(/^\d{17,20}$/, 'must be a Discord id (17 to 20 digits)');

/** What tools that only touch the data need (backup, restore): no token. */
const storageSchema = z.object({
  STORAGE_URL: z
    .string()
    .refine(isSupportedStorageUrl, `must look like ${SUPPORTED_STORAGE_URLS}`)
    .default('sqlite://data/bot.sqlite'),
});

const schema = storageSchema.extend({
  DISCORD_TOKEN: z.string({ error: 'is not set: copy the bot token from the Discord developer portal (your application → Bot → Reset Token) into .env' }).min(1),
  DISCORD_APPLICATION_ID: snowflake.optional(),
  DISCORD_GUILD_ID: snowflake.optional(),
  DISCORD_API_URL: z.url({ error: 'must be a URL such as http://127.0.0.1:8080/api' }).optional(),
  CONTENT_DIR: z.string().min(1).default(DEFAULT_CONTENT_DIR),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { error: 'must be one of fatal, error, warn, info, debug, trace, silent' }).default('info'),
  DEFAULT_TIMEZONE: z
    .string()
    .refine((name) => canonicalTimeZone(name) !== null, 'is not a known IANA time zone (for example Europe/Berlin or America/New_York)')
    .transform((name) => canonicalTimeZone(name)!)
    .default('UTC'),
  EXCERPT_COOLDOWN_SECONDS: z.coerce.number({ error: 'must be a number of seconds' }).int('must be a whole number of seconds').min(0).max(3600).default(5),
  PROMPT_GRACE_MINUTES: z.coerce.number({ error: 'must be a number of minutes' }).min(0).max(24 * 60).default(10),
});

export type Config = z.infer<typeof schema>;
export type StorageConfig = z.infer<typeof storageSchema>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`The configuration has ${plural(problems.length, 'problem')}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/**
 * Validates the environment once and reports every problem together.
 * Values are never echoed back, so the token cannot leak through an error.
 */
export function loadConfig(env: Record<string, string | undefined>): Config {
  return parse(schema, env);
}

/** Only the storage settings, checked the same way: for tools that must work without a token. */
export function loadStorageConfig(env: Record<string, string | undefined>): StorageConfig {
  return parse(storageSchema, env);
}

function parse<S extends z.ZodObject>(shape: S, env: Record<string, string | undefined>): z.infer<S> {
  const input: Record<string, string> = {};
  for (const key of Object.keys(shape.shape)) {
    const value = env[key]?.trim();
    if (value) input[key] = value;
  }
  const result = shape.safeParse(input);
  if (result.success) return result.data;
  throw new ConfigError(result.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`));
}

/** Loads .env from the working folder when there is one; variables already set win. */
export function loadDotEnv(path = '.env'): void {
  try {
    process.loadEnvFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
