/** Computes a key's next value from its current one; undefined deletes the key. */
export type Change<T> = (current: T | undefined) => T | undefined | Promise<T | undefined>;

/**
 * Key-value storage of plain JSON data: the only thing code outside
 * src/storage/ sees. Values are stored as copies, so changing an object after
 * set() or get() never changes what is stored.
 *
 * Every backend keeps this contract (tests/storage-contract.test.ts checks it):
 *
 * - A write (set, delete, update) resolves once the backend has it durably.
 *   A write that rejects leaves the key with the value it had before.
 * - scan, deletePrefix and close see every set and delete called before them,
 *   awaited or not, and every update that resolved before them.
 * - A failure of the backend rejects the call and is logged ("storage error").
 *   An error thrown by an update's change function is the caller's: it is
 *   rethrown unchanged and not logged.
 */
export interface Store {
  get<T>(key: string): Promise<T | undefined>;
  set<T>(key: string, value: T): Promise<void>;
  /** Resolves to whether the key existed. */
  delete(key: string): Promise<boolean>;
  /**
   * Reads the key, calls change with its value and writes what change returns
   * (undefined deletes the key); resolves to what was written.
   *
   * Atomic per key: concurrent updates of one key run one after another, each
   * change seeing the value the previous one wrote, so none is lost. The
   * memory and SQLite backends lock in this process only, so run one process
   * per SQLite file; the shared backends (Redis, PostgreSQL) make this hold
   * across processes too.
   * set and delete do not wait for updates: do not mix them with update on a
   * key that is updated concurrently.
   *
   * If change throws or rejects, nothing is written, the key keeps its value
   * and update rejects with that same error.
   */
  update<T>(key: string, change: Change<T>): Promise<T | undefined>;
  /**
   * Every entry whose key starts with prefix, each once, in NO particular
   * order: a caller that needs an order sorts (Redis SCAN, for one, returns
   * keys in hash order). Writes running during the scan may or may not show.
   */
  scan<T>(prefix: string): Promise<Array<[string, T]>>;
  /**
   * Deletes every key that starts with prefix and resolves to how many it
   * deleted. Updates still running, and writes called after it, may land
   * before it (then they are deleted and counted) or after it (then they
   * stay). Keys outside the prefix are never touched.
   */
  deletePrefix(prefix: string): Promise<number>;
  /**
   * Waits until every write called before it (queued updates included) has
   * finished, then releases the backend. Nothing may be called after close.
   */
  close(): Promise<void>;
}

/** The storage cannot be opened: an unsupported STORAGE_URL, an unreadable or corrupt file, a server that cannot be reached or refuses. */
export class StorageError extends Error {
  override readonly name = 'StorageError';
}
