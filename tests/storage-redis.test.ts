import { createClient } from '@keyv/redis';
import { afterEach, describe, expect, it } from 'vitest';
import { lockKey } from '../src/storage/redis/keyv-keys.js';
import { LOCK_TTL_MS } from '../src/storage/redis/shared-lock.js';
import { memoryLogger } from './support/log.js';
import { BACKENDS, type Harness } from './support/storage-backends.js';

// What only the Redis backend does; what every backend does is in storage-contract.test.ts.

const redis = BACKENDS.find((b) => b.name === 'Redis');
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe.skipIf(!redis)('Redis storage', () => {
  it('an update that lost its lock (it expired and another process took the key) writes nothing, fails and is logged', async () => {
    const { log, lines } = memoryLogger();
    const h: Harness = await redis!.open(log);
    cleanups.push(() => h.cleanup());
    await h.store.set('k', 'before');
    // Another process, on a connection of its own, taking the key as if our lock had expired.
    const other = createClient({ url: h.url });
    await other.connect();
    cleanups.push(() => other.close());
    const lost = h.store.update<string>('k', async () => {
      const taken = await other.sendCommand(['SET', lockKey('k'), 'another-process', 'PX', String(LOCK_TTL_MS)]);
      expect(taken).toBe('OK');
      return 'ours';
    });
    await expect(lost).rejects.toThrow(/lock on "k" expired/);
    expect(await h.store.get('k')).toBe('before');
    expect(lines().filter((l) => l['msg'] === 'storage error').map((l) => [l['op'], l['key']])).toEqual([['update', 'k']]);
  });

  it('an update waits out the lock of a process that died holding it, then runs', async () => {
    const h: Harness = await redis!.open(memoryLogger().log);
    cleanups.push(() => h.cleanup());
    await h.store.set('k', 1);
    const dead = createClient({ url: h.url });
    await dead.connect();
    // A lock its owner will never release: only its expiry frees the key.
    await dead.sendCommand(['SET', lockKey('k'), 'a-dead-process', 'PX', '400']);
    await dead.close();
    const started = performance.now();
    expect(await h.store.update<number>('k', (n) => n! + 1)).toBe(2);
    expect(performance.now() - started).toBeGreaterThanOrEqual(300);
    expect(await h.store.get('k')).toBe(2);
  });
});
