import type { Clock } from '../../src/clock.js';
import type { PostFn } from '../../src/schedule/types.js';

export interface FakeMessage {
  id: string;
  channelId: string;
  scheduleId: string;
  nonce: string;
  runAt: number;
  postedAt: number;
}

/**
 * Stands in for Discord in tests and demos: posts are kept in memory, a repeated
 * nonce returns the message already made (as enforce_nonce does), and failures
 * can be queued with failNext.
 */
export class FakeDiscord {
  readonly messages: FakeMessage[] = [];
  readonly calls: Array<{ scheduleId: string; nonce: string; at: number }> = [];
  readonly #failures: unknown[] = [];
  #nextId = 1;

  constructor(private readonly clock: Pick<Clock, 'now'>) {}

  /** The next posts throw these errors, one each, in order. */
  failNext(...errors: unknown[]): void {
    this.#failures.push(...errors);
  }

  readonly post: PostFn = async (schedule, run) => {
    this.calls.push({ scheduleId: schedule.id, nonce: run.nonce, at: this.clock.now() });
    if (this.#failures.length) throw this.#failures.shift();
    const existing = this.messages.find((m) => m.nonce === run.nonce);
    if (existing) return { messageId: existing.id };
    const message = {
      id: String(this.#nextId++),
      channelId: schedule.channelId,
      scheduleId: schedule.id,
      nonce: run.nonce,
      runAt: run.runAt,
      postedAt: this.clock.now(),
    };
    this.messages.push(message);
    return { messageId: message.id };
  };
}

/** An error shaped like discord.js's DiscordAPIError / HTTPError. */
export function discordError(status: number, code?: number, message = `HTTP ${status}`): Error {
  return Object.assign(new Error(message), { status, ...(code === undefined ? {} : { code }) });
}
