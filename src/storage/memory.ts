import type { Logger } from 'pino';
import { KeyedLock } from './lock.js';
import { logFailures, runChange } from './logged.js';
import type { Change, Store } from './store.js';

/**
 * A throwaway store (`memory://`) for tests and trials: values are kept as
 * JSON text, so what callers hold is always a copy, as with a real backend.
 * `entries` lets a test hand in a map that fails on purpose.
 */
export function openMemoryStore(log: Logger, entries: Map<string, string> = new Map()): Store {
  // The change function may await, so updates of one key still need the lock.
  const lock = new KeyedLock();
  const read = <T>(key: string): T | undefined => {
    const raw = entries.get(key);
    return raw === undefined ? undefined : (JSON.parse(raw) as T);
  };
  const write = (key: string, value: unknown): void => {
    if (value === undefined) entries.delete(key);
    else entries.set(key, JSON.stringify(value));
  };
  // Map order is insertion order, not key order: callers cannot come to rely on an order scan does not promise.
  const keysWith = (prefix: string) => [...entries.keys()].filter((key) => key.startsWith(prefix));

  return logFailures(
    {
      get: async (key) => read(key),
      set: async (key, value) => write(key, value),
      delete: async (key) => entries.delete(key),
      update: <T>(key: string, change: Change<T>) =>
        lock.run(key, async () => {
          const next = await runChange(change, read<T>(key));
          write(key, next);
          return next;
        }),
      scan: async <T>(prefix: string) => keysWith(prefix).map((key): [string, T] => [key, read<T>(key)!]),
      async deletePrefix(prefix) {
        const keys = keysWith(prefix);
        for (const key of keys) entries.delete(key);
        return keys.length;
      },
      close: () => lock.drain(),
    },
    log,
  );
}
