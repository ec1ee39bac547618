import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { lockKey, writeIfHeld, type Client } from './keyv-keys.js';

/*
 * Why a lock and not WATCH/MULTI: an update's change function may await, and
 * WATCH needs the connection to itself for that whole time (one connection per
 * update in flight), while a lock key works over the store's one connection.
 * Between processes, contention retries; inside one process the KeyedLock in
 * front of this queues updates of a key so only one of them polls.
 */

/**
 * How long a lock holds without its owner. Far longer than an update takes
 * (a read, a change that does no I/O, a write: milliseconds), and short enough
 * that the lock of a process that died mid-update frees the key soon. If an
 * update does outlive it, another process may take the key; the late update's
 * write is then refused (see writeIfHeld) and it fails with nothing written.
 */
export const LOCK_TTL_MS = 10_000;
/** Past this, a waiting update gives up: the lock of a dead owner would have expired long before. */
const WAIT_MS = 2 * LOCK_TTL_MS;
const BACKOFF_START_MS = 2;
const BACKOFF_MAX_MS = 40;

export class LockLost extends Error {
  override readonly name = 'LockLost';
}

/**
 * Runs work holding the cross-process lock of key: `SET lock token NX PX` with
 * a random token, retried with jittered exponential backoff. work receives a
 * `commit(next)` that writes next only while the token still holds the lock
 * and releases it in the same step; if work throws, the lock is released
 * (again only if still ours) and nothing is written.
 */
export async function withSharedLock<R>(client: Client, key: string, work: (commit: (next: unknown) => Promise<void>) => Promise<R>): Promise<R> {
  const token = randomBytes(16).toString('hex');
  const lock = lockKey(key);
  const deadline = Date.now() + WAIT_MS;
  for (let attempt = 0; ; attempt++) {
    if ((await client.set(lock, token, { condition: 'NX', expiration: { type: 'PX', value: LOCK_TTL_MS } })) === 'OK') break;
    if (Date.now() > deadline) throw new Error(`could not lock "${key}" within ${WAIT_MS / 1000} s: another process keeps it`);
    const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_START_MS * 2 ** attempt);
    await sleep(ceiling / 2 + Math.random() * (ceiling / 2));
  }

  let released = false;
  const commit = async (next: unknown) => {
    const held = await writeIfHeld(client, key, token, next);
    released = true;
    if (!held) throw new LockLost(`the lock on "${key}" expired (after ${LOCK_TTL_MS / 1000} s) before the update wrote; nothing was written`);
  };
  try {
    return await work(commit);
  } finally {
    // commit released it; otherwise (work threw, or the write failed) release it here, only if still ours.
    // If even that fails, the lock expires on its own after LOCK_TTL_MS.
    if (!released) await client.eval(RELEASE, { keys: [lock], arguments: [token] }).catch(() => {});
  }
}

const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;
