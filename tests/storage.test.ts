import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { KeyedLock } from '../src/storage/lock.js';
import { openStore, STORAGE_SCHEMES } from '../src/storage/open.js';
import { StorageError } from '../src/storage/store.js';
import { silentLogger } from './support/log.js';

describe('choosing a backend', () => {
  it('refuses an unsupported STORAGE_URL, naming the ones it supports', async () => {
    const error = await openStore('postgres://db/bot', silentLogger()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageError);
    for (const { example } of STORAGE_SCHEMES) expect((error as Error).message).toContain(example);
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
