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

  it('the storage settings alone (for backup and restore) need no token and are checked the same way', () => {
    expect(loadStorageConfig({})).toEqual({ STORAGE_URL: 'sqlite://data/bot.sqlite' });
    expect(loadStorageConfig({ STORAGE_URL: ' sqlite:///var/lib/bot.sqlite ', DISCORD_TOKEN: '' })).toEqual({ STORAGE_URL: 'sqlite:///var/lib/bot.sqlite' });
    expect(() => loadStorageConfig({ STORAGE_URL: 'postgres://x' })).toThrow(/STORAGE_URL must look like sqlite:\/\//);
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
