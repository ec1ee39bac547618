import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, loadStorageConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { Writable } from 'node:stream';

const TOKEN = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.GhIjKl.abcdefghijklmnopqrstuvwxyz0123456789AB';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected the configuration to be refused');
}

describe('configuration', () => {
  it('applies the documented defaults when only the token is set', () => {
    const config = loadConfig({ DISCORD_TOKEN: TOKEN });
    expect(config.STORAGE_URL).toBe('sqlite://data/bot.sqlite');
    expect(config.LOG_LEVEL).toBe('info');
    expect(config.DEFAULT_TIMEZONE).toBe('UTC');
    expect(config.CONTENT_DIR).toMatch(/src[\\/]content[\\/]pack$/);
    expect(config.EXCERPT_COOLDOWN_SECONDS).toBe(5);
    expect(config.PROMPT_GRACE_MINUTES).toBe(10);
    expect(config.DATA_RETENTION_DAYS).toBe(30);
  });

  it('reads SHARDS, SHARD_IDS and SHARD_COUNT, which need a shared store, and leaves them to discord.js in a shard process', () => {
    const redis = 'redis://127.0.0.1:6379';
    expect(loadConfig({ DISCORD_TOKEN: TOKEN }).SHARDS).toBeUndefined();
    expect(loadConfig({ DISCORD_TOKEN: TOKEN, STORAGE_URL: redis, SHARDS: 'auto' }).SHARDS).toBe('auto');
    expect(loadConfig({ DISCORD_TOKEN: TOKEN, STORAGE_URL: redis, SHARD_IDS: '3, 1,1', SHARD_COUNT: '4' })).toMatchObject({ SHARD_IDS: [1, 3], SHARD_COUNT: 4 });
    expect(problemsOf({ DISCORD_TOKEN: TOKEN, SHARDS: '2' })).toEqual([
      'STORAGE_URL must be a shared store (redis://… or postgresql://…) when the bot runs in shards: each shard is a process of its own',
    ]);
    expect(problemsOf({ DISCORD_TOKEN: TOKEN, STORAGE_URL: redis, SHARDS: '0' })).toEqual(['SHARDS must be auto or a number of shards from 1 to 10000 (got 0)']);
    expect(problemsOf({ DISCORD_TOKEN: TOKEN, STORAGE_URL: redis, SHARD_IDS: '0,1' })).toEqual(['SHARD_IDS needs SHARD_COUNT, the number of shards of the whole fleet']);
    expect(problemsOf({ DISCORD_TOKEN: TOKEN, STORAGE_URL: redis, SHARD_IDS: '0,4', SHARD_COUNT: '4' })).toEqual(['SHARD_IDS must be below SHARD_COUNT (4): shards are numbered from 0']);
    expect(problemsOf({ DISCORD_TOKEN: TOKEN, STORAGE_URL: redis, SHARD_IDS: 'a' , SHARD_COUNT: '4' })).toEqual(['SHARD_IDS must be shard numbers separated by commas, such as 0,1 (got a)']);
    // In a process the sharding manager started, SHARDS is discord.js's shard id (0 included), not a shard count.
    expect(loadConfig({ DISCORD_TOKEN: TOKEN, SHARDING_MANAGER: 'true', SHARDS: '0', SHARD_COUNT: '2' }).SHARDS).toBeUndefined();
  });

  it('takes DATA_RETENTION_DAYS as a whole number of days from 0, and says so otherwise', () => {
    expect(loadConfig({ DISCORD_TOKEN: TOKEN, DATA_RETENTION_DAYS: '0' }).DATA_RETENTION_DAYS).toBe(0);
    expect(loadConfig({ DISCORD_TOKEN: TOKEN, DATA_RETENTION_DAYS: '90' }).DATA_RETENTION_DAYS).toBe(90);
    expect(problemsOf({ DISCORD_TOKEN: TOKEN, DATA_RETENTION_DAYS: '1.5' })).toEqual(['DATA_RETENTION_DAYS must be a whole number of days, 0 or more (got 1.5)']);
    expect(problemsOf({ DISCORD_TOKEN: TOKEN, DATA_RETENTION_DAYS: '-1' })).toEqual(['DATA_RETENTION_DAYS must be a whole number of days, 0 or more (got -1)']);
    expect(problemsOf({ DISCORD_TOKEN: TOKEN, DATA_RETENTION_DAYS: 'forever' })).toEqual(['DATA_RETENTION_DAYS must be a whole number of days, 0 or more (got forever)']);
    expect(problemsOf({ DISCORD_TOKEN: TOKEN, DATA_RETENTION_DAYS: '5000' })).toEqual(['DATA_RETENTION_DAYS must be at most 3650 days (ten years) (got 5000)']);
  });

  it('reports every problem at once, in plain words', () => {
    const problems = problemsOf({
      DISCORD_APPLICATION_ID: 'abc',
      DEFAULT_TIMEZONE: 'Mars/Olympus_Mons',
      LOG_LEVEL: 'loud',
      STORAGE_URL: 'postgres://x',
      DISCORD_API_URL: 'not a url',
    });
    expect(problems).toHaveLength(6);
    expect(problems.join('\n')).toMatch(/DISCORD_TOKEN is not set: copy the bot token from the Discord developer portal/);
    expect(problems.join('\n')).toMatch(/DEFAULT_TIMEZONE is not a known IANA time zone/);
    expect(problems.join('\n')).toMatch(/DISCORD_APPLICATION_ID must be a Discord id/);
    expect(problems.join('\n')).toMatch(/LOG_LEVEL must be one of/);
    expect(problems.join('\n')).toMatch(/STORAGE_URL must look like sqlite:\/\//);
    expect(problems.join('\n')).toMatch(/DISCORD_API_URL must be a URL/);
  });

  it.each([
    ['EXCERPT_COOLDOWN_SECONDS', '-3', 'EXCERPT_COOLDOWN_SECONDS must be a whole number of seconds, 0 or more (got -3)'],
    ['EXCERPT_COOLDOWN_SECONDS', '2.5', 'EXCERPT_COOLDOWN_SECONDS must be a whole number of seconds, 0 or more (got 2.5)'],
    ['EXCERPT_COOLDOWN_SECONDS', '5s', 'EXCERPT_COOLDOWN_SECONDS must be a whole number of seconds, 0 or more (got 5s)'],
    // Number() would read these as 16 and 1000; a person who typed them meant something else.
    ['EXCERPT_COOLDOWN_SECONDS', '0x10', 'EXCERPT_COOLDOWN_SECONDS must be a whole number of seconds, 0 or more (got 0x10)'],
    ['EXCERPT_COOLDOWN_SECONDS', '1e3', 'EXCERPT_COOLDOWN_SECONDS must be a whole number of seconds, 0 or more (got 1e3)'],
    ['EXCERPT_COOLDOWN_SECONDS', '5000', 'EXCERPT_COOLDOWN_SECONDS must be at most 3600 seconds (one hour) (got 5000)'],
    ['PROMPT_GRACE_MINUTES', '-1', 'PROMPT_GRACE_MINUTES must be a number of minutes, 0 or more (got -1)'],
    ['PROMPT_GRACE_MINUTES', 'ten', 'PROMPT_GRACE_MINUTES must be a number of minutes, 0 or more (got ten)'],
    ['PROMPT_GRACE_MINUTES', '2000', 'PROMPT_GRACE_MINUTES must be at most 1440 minutes (one day) (got 2000)'],
    ['LOG_LEVEL', 'loud', 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace or silent (got loud)'],
    ['DEFAULT_TIMEZONE', 'Mars/Olympus_Mons', 'DEFAULT_TIMEZONE is not a known IANA time zone, such as Europe/Berlin or America/New_York (got Mars/Olympus_Mons)'],
    ['METRICS_PORT', '70000', 'METRICS_PORT must be a port number from 1 to 65535, or 0 for any free port (got 70000)'],
    ['METRICS_PORT', '-1', 'METRICS_PORT must be a port number from 1 to 65535, or 0 for any free port (got -1)'],
    ['METRICS_PORT', 'http', 'METRICS_PORT must be a port number from 1 to 65535, or 0 for any free port (got http)'],
    ['METRICS_HOST', 'local host', 'METRICS_HOST must be an address or host name to listen on, such as 127.0.0.1 (this machine only) or 0.0.0.0 (every network) (got "local host")'],
  ])('%s=%s is refused with what is wrong and the value', (name, value, message) => {
    expect(problemsOf({ DISCORD_TOKEN: TOKEN, [name]: value })).toEqual([message]);
  });

  it('accepts the values each rule allows at its edges', () => {
    const config = loadConfig({ DISCORD_TOKEN: TOKEN, EXCERPT_COOLDOWN_SECONDS: '3600', PROMPT_GRACE_MINUTES: '0.5', LOG_LEVEL: 'DEBUG', METRICS_PORT: '65535', METRICS_HOST: '::1' });
    expect(config).toMatchObject({ EXCERPT_COOLDOWN_SECONDS: 3600, PROMPT_GRACE_MINUTES: 0.5, LOG_LEVEL: 'debug', METRICS_PORT: 65535, METRICS_HOST: '::1' });
    expect(loadConfig({ DISCORD_TOKEN: TOKEN, EXCERPT_COOLDOWN_SECONDS: '0', METRICS_HOST: '0.0.0.0' })).toMatchObject({ EXCERPT_COOLDOWN_SECONDS: 0, METRICS_HOST: '0.0.0.0' });
  });

  it('leaves the metrics server off unless METRICS_PORT is set, and binds it to this machine by default', () => {
    const config = loadConfig({ DISCORD_TOKEN: TOKEN });
    expect(config.METRICS_PORT).toBeUndefined();
    expect(config.METRICS_HOST).toBe('127.0.0.1');
  });

  it('shows a long value by its length only, so a token pasted into the wrong variable is not printed', () => {
    const problems = problemsOf({ DISCORD_TOKEN: TOKEN, EXCERPT_COOLDOWN_SECONDS: TOKEN, DEFAULT_TIMEZONE: TOKEN, LOG_LEVEL: TOKEN });
    expect(problems).toHaveLength(3);
    for (const problem of problems) expect(problem).toMatch(new RegExp(`\\(got a value of ${TOKEN.length} characters\\)$`));
    const all = problems.join('\n');
    expect(all).not.toContain(TOKEN);
    expect(all).not.toContain(TOKEN.split('.')[0]);
  });

  describe('a DISCORD_TOKEN that cannot be a bot token', () => {
    const portal = 'copy the bot token from the Discord developer portal (your application → Bot → Reset Token) into .env';
    it.each([
      ['the token with "Bot " in front', `Bot ${TOKEN}`, 'DISCORD_TOKEN starts with "Bot ": set the token alone, without "Bot " in front'],
      ['two lines pasted', `${TOKEN}\n${TOKEN}`, 'DISCORD_TOKEN contains spaces or line breaks: paste the token alone, on one line'],
      ['the application id', '123456789012345678', `DISCORD_TOKEN looks like an application or user id, not a token: ${portal}`],
      ['the public key', 'a'.repeat(64), `DISCORD_TOKEN looks like the application's public key, not the bot token: ${portal}`],
      ['the client secret', 'Xy'.repeat(16), `DISCORD_TOKEN looks like the OAuth2 client secret, not the bot token: ${portal}`],
      ['two parts of a token', TOKEN.split('.').slice(0, 2).join('.'), `DISCORD_TOKEN is not a Discord bot token (a token is three parts of letters, digits, "-" and "_" joined by dots; this value has 2 parts): ${portal}`],
      ['a word', 'changeme', `DISCORD_TOKEN is not a Discord bot token (a token is three parts of letters, digits, "-" and "_" joined by dots; this value has no dots): ${portal}`],
      ['a token with a stray character', `${TOKEN.slice(0, 30)}+${TOKEN.slice(31)}`, `DISCORD_TOKEN is not a Discord bot token (a token is three parts of letters, digits, "-" and "_" joined by dots; this value has characters a token never contains): ${portal}`],
      ['a token cut at the front', TOKEN.slice(3), `DISCORD_TOKEN is not a Discord bot token (its first part should encode the bot's id, and does not; was it cut short or mistyped?): ${portal}`],
    ])('%s is refused, saying what is wrong and where to get a token, without echoing it', (_, value, message) => {
      const problems = problemsOf({ DISCORD_TOKEN: value });
      expect(problems).toEqual([message]);
      for (const part of value.split(/[.\s]/).filter((p) => p.length > 3)) expect(problems[0]).not.toContain(part);
    });

    it('accepts a token whose first part encodes a numeric id', () => {
      expect(loadConfig({ DISCORD_TOKEN: TOKEN }).DISCORD_TOKEN).toBe(TOKEN);
      // A 17-digit id, as on the oldest bots.
      const old = `${Buffer.from('12345678901234567').toString('base64url')}.Gh-_Kl.${'a'.repeat(38)}`;
      expect(loadConfig({ DISCORD_TOKEN: old }).DISCORD_TOKEN).toBe(old);
    });
  });

  it('the storage settings alone (for backup and restore) need no token and are checked the same way', () => {
    expect(loadStorageConfig({})).toEqual({ STORAGE_URL: 'sqlite://data/bot.sqlite' });
    expect(loadStorageConfig({ STORAGE_URL: ' sqlite:///var/lib/bot.sqlite ', DISCORD_TOKEN: '' })).toEqual({ STORAGE_URL: 'sqlite:///var/lib/bot.sqlite' });
    expect(() => loadStorageConfig({ STORAGE_URL: 'ftp://x' })).toThrow(/STORAGE_URL must look like sqlite:\/\//);
  });

  it('checks DEFAULT_TIMEZONE as schedules do, keeping its canonical spelling', () => {
    expect(loadConfig({ DISCORD_TOKEN: TOKEN, DEFAULT_TIMEZONE: 'europe/berlin' }).DEFAULT_TIMEZONE).toBe('Europe/Berlin');
  });

  it('treats empty values as unset, the way a copied .env.example leaves them', () => {
    const config = loadConfig({ DISCORD_TOKEN: TOKEN, DISCORD_GUILD_ID: '', DEFAULT_TIMEZONE: '  ' });
    expect(config.DISCORD_GUILD_ID).toBeUndefined();
    expect(config.DEFAULT_TIMEZONE).toBe('UTC');
  });

  it('never echoes the token, even when the token itself is malformed', () => {
    const error = (() => {
      try {
        loadConfig({ DISCORD_TOKEN: TOKEN, DISCORD_GUILD_ID: TOKEN });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error?.message).toMatch(/DISCORD_GUILD_ID must be a Discord id/);
    expect(error?.message).not.toContain(TOKEN);
  });

  it('redacts the token from logs', () => {
    let out = '';
    const destination = new Writable({ write: (chunk, _e, done) => ((out += String(chunk)), done()) });
    const log = createLogger({ level: 'info', destination });
    log.info({ config: { DISCORD_TOKEN: TOKEN }, token: TOKEN }, 'starting');
    log.error({ err: new Error(`request to /api/v10/interactions/123/${'a'.repeat(60)}/callback with ${TOKEN} failed`) }, 'boom');
    expect(out).toContain('starting');
    expect(out).not.toContain(TOKEN);
    expect(out).not.toContain('a'.repeat(60));
  });
});
