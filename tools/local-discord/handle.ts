import type { State } from './state.js';
import type { InteractionRecord, InteractionResponseRecord, MessageRecord } from './types.js';
import { waitUntil } from './wait.js';

type Obj = Record<string, unknown>;

export interface Dispatcher {
  state: State;
  /** Returns how many connected sessions got the payload. */
  dispatchInteraction(payload: Obj, guildId: string): number;
  requireRegisteredCommands: boolean;
  waitTimeoutMs: number;
  nonceWindowMs: number;
  attachmentOrigin(): string;
}

/** What a test holds after triggering an interaction. */
export class InteractionHandle {
  constructor(private readonly d: Dispatcher, readonly record: InteractionRecord) {}

  get id(): string {
    return this.record.id;
  }

  get token(): string {
    return this.record.token;
  }

  readonly #subscribe = (fn: () => void): (() => void) => this.d.state.listenInteraction(this.record.id, fn);

  #describe(what: string): () => string {
    const r = this.record;
    const channel = this.d.state.channels.get(r.channel_id);
    const user = this.d.state.users.get(r.user_id);
    return () =>
      `${what} to ${r.label} (interaction ${r.id}) by ${user?.username ?? r.user_id} in #${channel?.name ?? r.channel_id}` +
      (r.delivered ? '' : ' — no gateway session was connected when it was dispatched') +
      (r.response ? `; it was answered with callback type ${r.response.type}` : '; no interaction callback was received');
  }

  /** The first (and only) interaction callback: { type, data, message? }. */
  response(timeoutMs = this.d.waitTimeoutMs): Promise<InteractionResponseRecord> {
    return waitUntil(this.#subscribe, () => this.record.response, timeoutMs, this.#describe('the bot to answer'));
  }

  /** The @original message once it has content (after a reply, or a deferral + edit / follow-up). */
  reply(timeoutMs = this.d.waitTimeoutMs): Promise<MessageRecord> {
    return waitUntil(
      this.#subscribe,
      () => {
        const m = this.original();
        return m && !m.loading ? m : undefined;
      },
      timeoutMs,
      this.#describe('a non-loading @original message'),
    );
  }

  /** Waits until `count` follow-ups exist. */
  followUpsAtLeast(count: number, timeoutMs = this.d.waitTimeoutMs): Promise<MessageRecord[]> {
    return waitUntil(this.#subscribe, () => (this.followUps().length >= count ? this.followUps() : undefined), timeoutMs, this.#describe(`${count} follow-up(s)`));
  }

  original(): MessageRecord | undefined {
    return this.record.original_id ? this.d.state.messages.get(this.record.original_id) : undefined;
  }

  followUps(): MessageRecord[] {
    const out: MessageRecord[] = [];
    for (const id of this.record.followup_ids) {
      const m = this.d.state.messages.get(id);
      if (m) out.push(m);
    }
    return out;
  }

  /** The @original (edits applied) followed by the follow-ups. */
  replies(): MessageRecord[] {
    const original = this.original();
    return original ? [original, ...this.followUps()] : this.followUps();
  }
}
