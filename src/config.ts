import { isIP } from 'node:net';
import { z } from 'zod';
import { DEFAULT_CONTENT_DIR } from './content/paths.js';
import { plural } from './render/text.js';
import { canonicalTimeZone } from './schedule/zoned.js';
import { isSupportedStorageUrl, SUPPORTED_STORAGE_URLS } from './storage/open.js';
import { tokenProblem, WHERE_TO_GET_A_TOKEN } from './token.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * The value as a problem message may show it: "(got -3)". A long value is
 * described by its length only, so a token pasted into the wrong variable is
 * never printed (tokens are about 70 characters).
 */
export function got(value: string): string {
  if (value.length > 32) return `(got a value of ${value.length} characters)`;
  return /\s|^$/.test(value) ? `(got ${JSON.stringify(value)})` : `(got ${value})`;
}

/** A string variable parsed by `parse`, which returns the value or the problem in words. */
function parsed<T>(parse: (raw: string) => { value: T } | { problem: string }) {
  return z.string().transform((raw, ctx) => {
    const result = parse(raw);
    if ('value' in result) return result.value;
    ctx.addIssue({ code: 'custom', message: result.problem });
    return z.NEVER;
  });
}

/** A decimal number as people write it: digits, an optional sign and fraction; not 0x10, 1e3 or 5s. */
const asNumber = (raw: string): number | undefined => (/^[+-]?\d+(\.\d+)?$/.test(raw) ? Number(raw) : undefined);

function count(rule: { unit: string; whole: boolean; max: number; maxInWords: string }) {
  const kind = rule.whole ? `a whole number of ${rule.unit}` : `a number of ${rule.unit}`;
  return parsed((raw) => {
    const n = asNumber(raw);
    if (n === undefined || n < 0 || (rule.whole && !Number.isInteger(n))) return { problem: `must be ${kind}, 0 or more ${got(raw)}` };
    if (n > rule.max) return { problem: `must be at most ${rule.max} ${rule.unit} (${rule.maxInWords}) ${got(raw)}` };
    return { value: n };
  });
}

const snowflake = z
  .string()
  .regex(/^\d{17,20}$/, 'must be a Discord id (17 to 20 digits; with Developer Mode on in Discord, right-click the application or server and Copy ID)');

/** What tools that only touch the data need (backup, restore): no token. */
const storageSchema = z.object({
  STORAGE_URL: z
    .string()
    .refine(isSupportedStorageUrl, `must look like ${SUPPORTED_STORAGE_URLS}`)
    .default('sqlite://data/bot.sqlite'),
});

const schema = storageSchema.extend({
  DISCORD_TOKEN: z.string({ error: `is not set: ${WHERE_TO_GET_A_TOKEN}` }).superRefine((token, ctx) => {
    const problem = tokenProblem(token);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  }),
  DISCORD_APPLICATION_ID: snowflake.optional(),
  DISCORD_GUILD_ID: snowflake.optional(),
  DISCORD_API_URL: z.url({ error: 'must be a URL such as http://127.0.0.1:8080/api' }).optional(),
  CONTENT_DIR: z.string().min(1).default(DEFAULT_CONTENT_DIR),
  LOG_LEVEL: parsed((raw) => {
    const level = LOG_LEVELS.find((l) => l === raw.toLowerCase());
    return level ? { value: level } : { problem: `must be one of ${LOG_LEVELS.slice(0, -1).join(', ')} or ${LOG_LEVELS.at(-1)} ${got(raw)}` };
  }).default('info'),
  DEFAULT_TIMEZONE: parsed((raw) => {
    const zone = canonicalTimeZone(raw);
    return zone ? { value: zone } : { problem: `is not a known IANA time zone, such as Europe/Berlin or America/New_York ${got(raw)}` };
  }).default('UTC'),
  EXCERPT_COOLDOWN_SECONDS: count({ unit: 'seconds', whole: true, max: 3600, maxInWords: 'one hour' }).default(5),
  PROMPT_GRACE_MINUTES: count({ unit: 'minutes', whole: false, max: 24 * 60, maxInWords: 'one day' }).default(10),
  DATA_RETENTION_DAYS: count({ unit: 'days', whole: true, max: 3650, maxInWords: 'ten years' }).default(30),
  METRICS_PORT: parsed((raw) => {
    const port = asNumber(raw);
    if (port === undefined || !Number.isInteger(port) || port < 0 || port > 65_535) {
      return { problem: `must be a port number from 1 to 65535, or 0 for any free port ${got(raw)}` };
    }
    return { value: port };
  }).optional(),
  METRICS_HOST: parsed((raw) =>
    isIP(raw) || /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/.test(raw)
      ? { value: raw }
      : { problem: `must be an address or host name to listen on, such as 127.0.0.1 (this machine only) or 0.0.0.0 (every network) ${got(raw)}` },
  ).default('127.0.0.1'),
});

/** Shard ids as a comma-separated list, such as 0,1,2. */
const shardIds = parsed((raw) => {
  const parts = raw.split(',').map((p) => p.trim());
  if (parts.some((p) => !/^\d{1,5}$/.test(p))) return { problem: `must be shard numbers separated by commas, such as 0,1 ${got(raw)}` };
  const ids = [...new Set(parts.map(Number))].sort((a, b) => a - b);
  return { value: ids };
});

const sharded = schema
  .extend({
    SHARDS: parsed((raw): { value: 'auto' | number } | { problem: string } => {
      if (raw.toLowerCase() === 'auto') return { value: 'auto' as const };
      const n = asNumber(raw);
      return n !== undefined && Number.isInteger(n) && n >= 1 && n <= 10_000 ? { value: n } : { problem: `must be auto or a number of shards from 1 to 10000 ${got(raw)}` };
    }).optional(),
    SHARD_IDS: shardIds.optional(),
    SHARD_COUNT: count({ unit: 'shards', whole: true, max: 10_000, maxInWords: 'ten thousand' }).optional(),
  })
  .superRefine((c, ctx) => {
    const total = c.SHARD_COUNT ?? (typeof c.SHARDS === 'number' ? c.SHARDS : undefined);
    const problem = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (c.SHARD_COUNT === 0) problem('SHARD_COUNT', 'must be 1 or more');
    if (c.SHARD_IDS && total === undefined) problem('SHARD_IDS', 'needs SHARD_COUNT, the number of shards of the whole fleet');
    if (c.SHARD_IDS && total !== undefined && c.SHARD_IDS.some((id) => id >= total)) problem('SHARD_IDS', `must be below SHARD_COUNT (${total}): shards are numbered from 0`);
    if (typeof c.SHARDS === 'number' && c.SHARD_COUNT !== undefined && c.SHARDS !== c.SHARD_COUNT) problem('SHARDS', `and SHARD_COUNT disagree (${c.SHARDS} and ${c.SHARD_COUNT}); set one`);
    const sharding = c.SHARDS !== undefined || c.SHARD_IDS !== undefined || c.SHARD_COUNT !== undefined;
    // Each shard is its own process: their data must be in one store every process reaches, with locks that hold across them.
    if (sharding && !/^(redis|rediss|postgres|postgresql):\/\//.test(c.STORAGE_URL)) {
      problem('STORAGE_URL', 'must be a shared store (redis://… or postgresql://…) when the bot runs in shards: each shard is a process of its own');
    }
  });

export type Config = z.infer<typeof sharded>;
export type StorageConfig = z.infer<typeof storageSchema>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`The configuration has ${plural(problems.length, 'problem')}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/**
 * Validates the environment once and reports every problem together.
 * The token and the ids are never echoed back, so a token cannot leak through
 * an error, even when pasted into the wrong variable; other values are shown
 * only when short (see `got`).
 */
export function loadConfig(env: Record<string, string | undefined>): Config {
  // A shard process started by the sharding manager: discord.js passes the shard in SHARDS and
  // SHARD_COUNT (a shard id, not this bot's meaning), and the Client reads them itself.
  const own = env['SHARDING_MANAGER'] ? { ...env, SHARDS: undefined, SHARD_IDS: undefined, SHARD_COUNT: undefined } : env;
  return parse(sharded, own);
}

/** Only the storage settings, checked the same way: for tools that must work without a token. */
export function loadStorageConfig(env: Record<string, string | undefined>): StorageConfig {
  return parse(storageSchema, env);
}

function parse<S extends z.ZodObject | z.ZodPipe<z.ZodObject>>(shape: S, env: Record<string, string | undefined>): z.infer<S> {
  const input: Record<string, string> = {};
  const keys = 'shape' in shape ? shape.shape : (shape as unknown as { in: z.ZodObject }).in.shape;
  for (const key of Object.keys(keys)) {
    const value = env[key]?.trim();
    if (value) input[key] = value;
  }
  const result = shape.safeParse(input);
  if (result.success) return result.data as z.infer<S>;
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
