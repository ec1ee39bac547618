import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { KeyedLock } from '../src/storage/lock.js';
import { maskUrl } from '../src/storage/connection.js';
import { isSupportedStorageUrl, openStore, STORAGE_SCHEMES } from '../src/storage/open.js';
import { StorageError } from '../src/storage/store.js';
import { silentLogger } from './support/log.js';

describe('choosing a backend', () => {
  it('refuses an unsupported STORAGE_URL, naming the ones it supports and masking its password', async () => {
    const error = await openStore('mysql://bot:hunter2@db/bot', silentLogger()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageError);
    for (const { example } of STORAGE_SCHEMES) expect((error as Error).message).toContain(example);
    expect((error as Error).message).toContain('mysql://bot:****@db/bot');
    expect((error as Error).message).not.toContain('hunter2');
  });

  it('takes Redis and PostgreSQL URLs, and a PostgreSQL URL only with its database named', () => {
    for (const url of ['redis://127.0.0.1:6379', 'rediss://:pw@cache.example:6380/2', 'postgresql://bot:pw@db:5432/bot', 'postgres://db/bot?sslmode=require', 'postgresql:///bot?host=/run/postgresql']) {
      expect(isSupportedStorageUrl(url), url).toBe(true);
    }
    for (const url of ['redis://', 'postgres://db', 'postgresql://db/', 'mysql://db/bot', 'sqlite://']) expect(isSupportedStorageUrl(url), url).toBe(false);
  });

  it('masks the password of a URL, wherever it is written', () => {
    expect(maskUrl('redis://:s3cret@127.0.0.1:6379')).toBe('redis://:****@127.0.0.1:6379');
    expect(maskUrl('postgresql://bot:p%40ss@db:5432/bot?password=again&sslmode=require')).toBe('postgresql://bot:****@db:5432/bot?password=****&sslmode=require');
    expect(maskUrl('redis://127.0.0.1:6379/2')).toBe('redis://127.0.0.1:6379/2');
    expect(maskUrl('redis://:s3cret@[not a url')).not.toContain('s3cret');
  });

  it('the configuration accepts exactly the URLs openStore can open', async () => {
    const DISCORD_TOKEN = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.GhIjKl.abcdefghijklmnopqrstuvwxyz0123456789AB';
    for (const { example } of STORAGE_SCHEMES) {
      expect(loadConfig({ DISCORD_TOKEN, STORAGE_URL: example }).STORAGE_URL).toBe(example);
    }
    expect(() => loadConfig({ DISCORD_TOKEN, STORAGE_URL: 'sqlite://' })).toThrow(/STORAGE_URL must look like/);
  });
});

describe('KeyedLock', () => {
  it('a task that throws does not block the next one on its key', async () => {
    const lock = new KeyedLock();
    const failed = lock.run('k', async () => {
      throw new Error('no');
    });
    await expect(failed).rejects.toThrow('no');
    await expect(lock.run('k', async () => 'ok')).resolves.toBe('ok');
    await lock.drain();
    expect(lock.size).toBe(0);
  });
});
