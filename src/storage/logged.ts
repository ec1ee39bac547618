import type { Logger } from 'pino';
import type { Change, Store } from './store.js';

/**
 * Carries an error thrown by an update's change function through the backend,
 * so that logFailures can tell the caller's errors (a refusal, a bug in the
 * caller) from the backend's own and log only the latter.
 */
class ChangeFailed extends Error {
  constructor(readonly original: unknown) {
    super('the change function of an update threw', { cause: original });
  }
}

/** Calls an update's change function; backends call it instead of calling change directly. */
export async function runChange<T>(change: Change<T>, current: T | undefined): Promise<T | undefined> {
  try {
    return await change(current);
  } catch (error) {
    throw new ChangeFailed(error);
  }
}

/**
 * Every backend failure reaches the caller (who tells the user) and the log
 * (for the operator). A change function's error is passed back to the caller
 * as it was thrown, unlogged: it is not a storage failure.
 */
export function logFailures(store: Store, log: Logger): Store {
  const guard = <R>(op: string, key: string, run: Promise<R>): Promise<R> =>
    run.catch((error: unknown) => {
      if (error instanceof ChangeFailed) throw error.original;
      log.error({ err: error, op, key }, 'storage error');
      throw error;
    });
  return {
    get: <T>(key: string) => guard('get', key, store.get<T>(key)),
    set: (key, value) => guard('set', key, store.set(key, value)),
    delete: (key) => guard('delete', key, store.delete(key)),
    update: <T>(key: string, change: Change<T>) => guard('update', key, store.update(key, change)),
    scan: <T>(prefix: string) => guard('scan', prefix, store.scan<T>(prefix)),
    deletePrefix: (prefix) => guard('deletePrefix', prefix, store.deletePrefix(prefix)),
    // Whoever closes the store reports a failed close.
    close: () => store.close(),
  };
}
