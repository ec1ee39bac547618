/** Opaque handle returned by Clock.setTimeout. */
export type TimerHandle = { readonly __timer: true };

/** Time source and timers, injected so tests can drive time by hand. */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/** The largest delay setTimeout accepts (about 24.8 days); Node fires longer ones after 1 ms. */
export const MAX_TIMEOUT_MS = 2 ** 31 - 1;

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    // Clamped rather than left to Node, which would fire an over-long timer almost at once.
    // Callers must re-check the time when it fires (the Scheduler does).
    const timer = setTimeout(fn, Math.min(Math.max(0, ms), MAX_TIMEOUT_MS));
    timer.unref();
    return timer as unknown as TimerHandle;
  },
  clearTimeout(handle) {
    clearTimeout(handle as unknown as NodeJS.Timeout);
  },
};
