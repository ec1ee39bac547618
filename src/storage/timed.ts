import type { Change, Store } from './store.js';

export type StoreOp = 'get' | 'set' | 'delete' | 'update' | 'scan' | 'deletePrefix';

/**
 * The store with every operation's duration reported to `observe`, the one
 * place storage latency is measured. Each call goes through at once, so the
 * order the Store contract promises (scan sees earlier sets) is unchanged.
 */
export function timeStore(store: Store, observe: (op: StoreOp, seconds: number) => void): Store {
  const timed = <R>(op: StoreOp, call: () => Promise<R>): Promise<R> => {
    const started = performance.now();
    const run = call();
    const done = () => observe(op, (performance.now() - started) / 1000);
    run.then(done, done);
    return run;
  };
  return {
    get: <T>(key: string) => timed('get', () => store.get<T>(key)),
    set: (key, value) => timed('set', () => store.set(key, value)),
    delete: (key) => timed('delete', () => store.delete(key)),
    update: <T>(key: string, change: Change<T>) => timed('update', () => store.update(key, change)),
    scan: <T>(prefix: string) => timed('scan', () => store.scan<T>(prefix)),
    deletePrefix: (prefix) => timed('deletePrefix', () => store.deletePrefix(prefix)),
    close: () => store.close(),
  };
}
