export type Query = (sql: string, ...params: unknown[]) => Promise<Array<Record<string, unknown>>>;

interface Waiter<T> {
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
}

// Well under SQLite's limit of 32766 bound parameters per statement.
const READ_CHUNK = 500;
const WRITE_CHUNK = 250;

/**
 * Reads and upserts of single rows are batched: waiting ones go to SQLite as
 * one `SELECT … WHERE key IN (…)` or one multi-row `INSERT … ON CONFLICT DO
 * UPDATE`. Each statement costs a prepare, several trips through libuv's thread
 * pool and (for an upsert) a commit, so under load this cuts the cost of a
 * tally write several times. One statement of each kind runs at a time and
 * what arrives meanwhile waits for it, so batches grow with the load on their
 * own; alone, a call goes out on the next turn of the event loop. A write
 * resolves once its statement has committed; a read of a key with a write
 * queued or running waits for that write.
 */
export class RowBatcher {
  #reads = new Map<string, Array<Waiter<string | undefined>>>();
  #writes = new Map<string, { raw: string; waiters: Array<Waiter<void>> }>();
  /** Keys whose upsert is running, and the statement's promise. */
  readonly #writing = new Map<string, Promise<void>>();
  readonly #running = new Set<Promise<void>>();
  #readBusy = false;
  #writeBusy = false;
  #readScheduled = false;
  #writeScheduled = false;

  constructor(
    private readonly query: Query,
    private readonly table: string,
  ) {}

  read(key: string): Promise<string | undefined> {
    return new Promise((resolve, reject) => {
      const waiters = this.#reads.get(key);
      if (waiters) waiters.push({ resolve, reject });
      else this.#reads.set(key, [{ resolve, reject }]);
      this.#kickReads();
    });
  }

  write(key: string, raw: string): Promise<void> {
    return new Promise((resolve, reject) => {
      // Two writes of one key in one batch: the later value wins, as two upserts in a row would.
      const pending = this.#writes.get(key);
      if (pending) {
        pending.raw = raw;
        pending.waiters.push({ resolve, reject });
      } else this.#writes.set(key, { raw, waiters: [{ resolve, reject }] });
      this.#kickWrites();
    });
  }

  /**
   * Resolves once every read and write issued before the call has finished
   * (not later ones, so it cannot starve under load). A delete calls it so
   * that a write of its key still queued here lands first.
   */
  async settle(): Promise<void> {
    const waits: Array<Promise<unknown>> = [...this.#running];
    for (const w of this.#writes.values()) waits.push(new Promise<void>((resolve) => w.waiters.push({ resolve, reject: () => resolve() })));
    for (const list of this.#reads.values()) waits.push(new Promise<void>((resolve) => list.push({ resolve: () => resolve(), reject: () => resolve() })));
    await Promise.all(waits);
  }

  #kickWrites(): void {
    if (this.#writeBusy || this.#writeScheduled || this.#writes.size === 0) return;
    this.#writeScheduled = true;
    setImmediate(() => {
      this.#writeScheduled = false;
      this.#flushWrites();
    });
  }

  #kickReads(): void {
    if (this.#readBusy || this.#readScheduled || this.#reads.size === 0) return;
    this.#readScheduled = true;
    setImmediate(() => {
      this.#readScheduled = false;
      this.#flushReads();
    });
  }

  #track(run: Promise<void>): void {
    this.#running.add(run);
    void run.finally(() => this.#running.delete(run));
  }

  #flushWrites(): void {
    if (this.#writeBusy || this.#writes.size === 0) return;
    this.#writeBusy = true;
    const entries = [...this.#writes];
    this.#writes = new Map();
    const runs: Array<Promise<void>> = [];
    for (let i = 0; i < entries.length; i += WRITE_CHUNK) runs.push(this.#upsert(entries.slice(i, i + WRITE_CHUNK)));
    void Promise.all(runs).then(() => {
      this.#writeBusy = false;
      this.#kickWrites();
    });
  }

  #flushReads(): void {
    if (this.#readBusy || this.#reads.size === 0) return;
    this.#readBusy = true;
    const reads = this.#reads;
    this.#reads = new Map();
    // Read-your-writes: wait for writes of these keys that are queued or running.
    const before: Array<Promise<unknown>> = [];
    for (const key of reads.keys()) {
      const writing = this.#writing.get(key);
      if (writing) before.push(writing);
      const queued = this.#writes.get(key);
      if (queued) before.push(new Promise<void>((resolve) => queued.waiters.push({ resolve, reject: () => resolve() })));
    }
    const keys = [...reads.keys()];
    const run = Promise.all(before).then(() => {
      const runs: Array<Promise<void>> = [];
      for (let i = 0; i < keys.length; i += READ_CHUNK) runs.push(this.#select(keys.slice(i, i + READ_CHUNK), reads));
      return Promise.all(runs);
    });
    void run.then(() => {
      this.#readBusy = false;
      this.#kickReads();
    });
  }

  #upsert(entries: Array<[string, { raw: string; waiters: Array<Waiter<void>> }]>): Promise<void> {
    const params: string[] = [];
    for (const [key, { raw }] of entries) params.push(key, raw);
    const values = entries.map(() => '(?, ?)').join(', ');
    const run = this.query(`INSERT INTO ${this.table} (key, value) VALUES ${values} ON CONFLICT(key) DO UPDATE SET value = excluded.value`, ...params).then(
      () => {
        for (const [, { waiters }] of entries) for (const w of waiters) w.resolve();
      },
      (error: unknown) => {
        for (const [, { waiters }] of entries) for (const w of waiters) w.reject(error);
      },
    );
    for (const [key] of entries) this.#writing.set(key, run);
    const done = run.finally(() => {
      for (const [key] of entries) if (this.#writing.get(key) === run) this.#writing.delete(key);
    });
    this.#track(done);
    return done;
  }

  #select(keys: string[], reads: Map<string, Array<Waiter<string | undefined>>>): Promise<void> {
    const placeholders = keys.map(() => '?').join(', ');
    const run = this.query(`SELECT key, value FROM ${this.table} WHERE key IN (${placeholders})`, ...keys).then(
      (rows) => {
        const found = new Map<string, string>();
        for (const row of rows) found.set(row.key as string, row.value as string);
        for (const key of keys) for (const w of reads.get(key)!) w.resolve(found.get(key));
      },
      (error: unknown) => {
        for (const key of keys) for (const w of reads.get(key)!) w.reject(error);
      },
    );
    this.#track(run);
    return run;
  }
}
