import type { Logger } from 'pino';
import { MAX_TIMEOUT_MS, type Clock } from '../clock.js';
import { classifyPostError } from './post-outcome.js';
import type { PostFn, RunInfo, RunResult, Schedule } from './types.js';

/**
 * Waits on a Clock; cancel(tag) makes the pending waits of that tag resolve
 * false at once, cancelAll() every pending and future wait.
 */
export class Sleeper {
  readonly #cancels = new Map<() => void, string | undefined>();
  #closed = false;

  constructor(private readonly clock: Clock) {}

  sleep(ms: number, tag?: string): Promise<boolean> {
    if (this.#closed) return Promise.resolve(false);
    return new Promise((resolve) => {
      const done = (completed: boolean) => {
        this.#cancels.delete(cancel);
        resolve(completed);
      };
      const handle = this.clock.setTimeout(() => done(true), Math.min(ms, MAX_TIMEOUT_MS));
      const cancel = () => {
        this.clock.clearTimeout(handle);
        done(false);
      };
      this.#cancels.set(cancel, tag);
    });
  }

  cancel(tag: string): void {
    for (const [cancel, t] of [...this.#cancels]) if (t === tag) cancel();
  }

  cancelAll(): void {
    this.#closed = true;
    for (const cancel of [...this.#cancels.keys()]) cancel();
  }
}

export type PostOutcome = Exclude<RunResult, { status: 'skipped' }> | { status: 'stopped' };

/**
 * Posts, retrying transient failures (5xx, 429, network) with exponential
 * backoff. Never throws: a failure comes back as a 'failed' outcome, and a
 * wait cut short (the sleeper's waits for the schedule's guild are tagged
 * with its id) or a retry that `halted` forbids as 'stopped'.
 */
export async function postWithRetry(
  deps: { post: PostFn; log: Logger; sleeper: Sleeper; retry: { attempts: number; baseMs: number }; halted?: () => boolean },
  schedule: Schedule,
  run: RunInfo,
): Promise<PostOutcome> {
  const { attempts, baseMs } = deps.retry;
  for (let attempt = 1; ; attempt++) {
    try {
      // Promise.resolve().then also catches a post that throws before returning a promise.
      const { messageId } = await Promise.resolve().then(() => deps.post(schedule, run));
      return { status: 'posted', ...run, messageId, attempts: attempt };
    } catch (error) {
      const failure = classifyPostError(error, schedule.channelId);
      if (!failure.transient || attempt >= Math.max(1, attempts)) {
        const message = failure.transient ? `${failure.message}, gave up after ${attempt} tries` : failure.message;
        return { status: 'failed', ...run, message, permanent: !failure.transient, attempts: attempt };
      }
      if (deps.halted?.()) return { status: 'stopped' };
      const waitMs = baseMs * 2 ** (attempt - 1);
      deps.log.warn({ scheduleId: schedule.id, guildId: schedule.guildId, attempt, waitMs, reason: failure.message }, 'posting failed; retrying');
      if (!(await deps.sleeper.sleep(waitMs, schedule.guildId)) || deps.halted?.()) return { status: 'stopped' };
    }
  }
}
