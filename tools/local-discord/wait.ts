export class WaitTimeoutError extends Error {
  override name = 'WaitTimeoutError';
}

/** Registers a listener for changes; returns the unsubscribe function. */
export type Subscribe = (listener: () => void) => () => void;

/**
 * Resolves with the first truthy value of `check`, re-evaluated whenever `subscribe`
 * reports a change (and every `pollMs`, if given, for conditions outside the fake such
 * as the bot's own database). Rejects after `timeoutMs` with a message that says what
 * was waited for.
 */
export function waitUntil<T>(
  subscribe: Subscribe,
  check: () => T | undefined | null | false,
  timeoutMs: number,
  what: string | (() => string),
  pollMs?: number,
): Promise<T> {
  const first = check();
  if (first) return Promise.resolve(first);
  return new Promise<T>((resolve, reject) => {
    let done = false;
    const finish = (): void => {
      done = true;
      off();
      if (poll) clearInterval(poll);
      clearTimeout(timer);
    };
    const evaluate = (): void => {
      if (done) return;
      let value: T | undefined | null | false;
      try {
        value = check();
      } catch (err) {
        finish();
        reject(err instanceof Error ? err : new Error(String(err)));
        return;
      }
      if (value) {
        finish();
        resolve(value);
      }
    };
    const off = subscribe(evaluate);
    const poll = pollMs ? setInterval(evaluate, pollMs) : undefined;
    const timer = setTimeout(() => {
      if (done) return;
      finish();
      reject(new WaitTimeoutError(`Timed out after ${timeoutMs} ms waiting for ${typeof what === 'function' ? what() : what}`));
    }, timeoutMs);
  });
}
