import { MAX_TIMEOUT_MS, type Clock, type TimerHandle } from '../src/clock.js';

interface Timer {
  at: number;
  seq: number;
  fn: () => void;
}

/** Lets pending promise chains (and the I/O callbacks they queued) run. */
async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/**
 * A clock that only moves when told to. `await advance(ms)` fires due timers in
 * time order, setting now() to each timer's time and letting async work settle
 * between timers, so code awaiting promises after a timer sees the right time.
 */
export class ManualClock implements Clock {
  #now: number;
  #seq = 0;
  readonly #timers = new Map<number, Timer>();

  constructor(start: number | Date = Date.UTC(2025, 0, 1)) {
    this.#now = typeof start === 'number' ? start : start.getTime();
  }

  now(): number {
    return this.#now;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    // Mirror Node's limit so code that forgets to chain long delays fails loudly in tests.
    if (ms > MAX_TIMEOUT_MS) throw new RangeError(`timeout of ${ms} ms exceeds ${MAX_TIMEOUT_MS} ms`);
    const seq = ++this.#seq;
    this.#timers.set(seq, { at: this.#now + Math.max(0, ms), seq, fn });
    return { id: seq } as unknown as TimerHandle;
  }

  clearTimeout(handle: TimerHandle): void {
    this.#timers.delete((handle as unknown as { id: number }).id);
  }

  /** How many timers are armed. */
  get pending(): number {
    return this.#timers.size;
  }

  /** When the earliest armed timer fires, or null. */
  get nextTimerAt(): number | null {
    return this.#next(Infinity)?.at ?? null;
  }

  async advance(ms: number): Promise<void> {
    await this.advanceTo(this.#now + ms);
  }

  async advanceTo(target: number): Promise<void> {
    await settle();
    for (let timer = this.#next(target); timer; timer = this.#next(target)) {
      this.#timers.delete(timer.seq);
      this.#now = Math.max(this.#now, timer.at);
      timer.fn();
      await settle();
    }
    this.#now = Math.max(this.#now, target);
    await settle();
  }

  #next(until: number): Timer | undefined {
    let best: Timer | undefined;
    for (const t of this.#timers.values()) {
      if (t.at <= until && (!best || t.at < best.at || (t.at === best.at && t.seq < best.seq))) best = t;
    }
    return best;
  }
}
