import KeyvRedis, { createClient } from '@keyv/redis';
import type { Logger } from 'pino';
import { jsonKeyv } from '../json-keyv.js';
import { maskUrl, OPEN_TIMEOUT_MS, openFailure, withTimeout } from '../connection.js';
import { KeyedLock } from '../lock.js';
import { logFailures, runChange } from '../logged.js';
import { PendingWrites } from '../pending.js';
import type { Change, Store } from '../store.js';
import { deleteEntries, NAMESPACE, readRaw, decode, scanEntries, SEPARATOR } from './keyv-keys.js';
import { withSharedLock } from './shared-lock.js';

/**
 * Opens a Redis server (`redis://` or `rediss://`) that several bot processes
 * may share: updates lock their key in Redis as well as in this process.
 * Fails within a few seconds, with one line naming STORAGE_URL, when the
 * server cannot be reached or refuses the password or database.
 */
export async function openRedisStore(url: string, log: Logger): Promise<Store> {
  let open = false;
  const client = createClient({
    url,
    // While disconnected, calls fail at once (and are logged) instead of queueing without limit.
    disableOfflineQueue: true,
    socket: {
      connectTimeout: OPEN_TIMEOUT_MS,
      // Opening: the first failure is final, so a wrong URL stops the start at once.
      // Once open: reconnect with backoff, for as long as it takes.
      reconnectStrategy: (retries, cause) => (open ? Math.min(100 * 2 ** retries, 3000) : cause),
    },
  });
  client.on('error', (error: unknown) => {
    if (open) log.warn({ err: error, storage: maskUrl(url) }, 'storage connection error');
  });
  try {
    await withTimeout(client.connect(), OPEN_TIMEOUT_MS, 'the Redis server');
    await withTimeout(client.ping(), OPEN_TIMEOUT_MS, 'the Redis server');
  } catch (error) {
    // A failed connect has closed the client already; a timed-out one is still trying.
    if (client.isOpen) client.destroy();
    // The reconnect strategy's refusal wraps the socket's error, which has the code.
    throw openFailure(url, (error as { originalError?: unknown }).originalError ?? error);
  }
  open = true;

  const adapter = new KeyvRedis(client, { namespace: NAMESPACE, keyPrefixSeparator: SEPARATOR, throwOnErrors: true });
  // The key is prefixed by the adapter (namespace + separator), not by Keyv as well.
  const keyv = jsonKeyv(adapter, log, { namespace: NAMESPACE, useKeyPrefix: false });

  const lock = new KeyedLock();
  const pending = new PendingWrites();
  let closed = false;
  // The adapter reconnects a closed client on its next call: after close, that would be a connection nobody closes.
  const notClosed = () => {
    if (closed) throw new Error('the storage was closed');
  };

  const store: Store = {
    async get(key) {
      notClosed();
      return keyv.get(key);
    },
    async set(key, value) {
      notClosed();
      await pending.track(keyv.set(key, value));
    },
    async delete(key) {
      notClosed();
      return pending.track(keyv.delete(key));
    },
    update: <T>(key: string, change: Change<T>) =>
      lock.run(key, () => {
        notClosed();
        return withSharedLock(client, key, async (commit) => {
          const next = await runChange(change, decode<T>(await readRaw(client, key)));
          await commit(next);
          return next;
        });
      }),
    async scan<T>(prefix: string) {
      notClosed();
      await pending.settle();
      return scanEntries<T>(client, prefix);
    },
    async deletePrefix(prefix) {
      notClosed();
      await pending.settle();
      return deleteEntries(client, prefix);
    },
    async close() {
      await lock.drain();
      await pending.settle();
      closed = true;
      open = false;
      // close() waits for the replies of commands already sent.
      if (client.isOpen) await client.close();
    },
  };
  return logFailures(store, log);
}
