import { randomBytes } from 'node:crypto';
import { Round, type Reveal, type RoundOptions } from './round.js';

/**
 * Random, not a counter: a counter restarts at 1 after a reboot and would map
 * old buttons still on screen onto a new round. 8 url-safe chars, no ':'.
 */
export const newRoundId = (): string => randomBytes(6).toString('base64url');

/** The running rounds, one per channel, in memory (stored apart, see round-store.ts, so a restart can adopt them again). */
export class RoundRegistry {
  readonly #byChannel = new Map<string, Round>();
  readonly #byId = new Map<string, Round>();

  /** Starts a round in the channel, unless one is already running there. */
  start(options: Omit<RoundOptions, 'id'> & { id?: string }): { kind: 'started'; round: Round } | { kind: 'busy'; running: Round } {
    const running = this.#byChannel.get(options.channelId);
    if (running) return { kind: 'busy', running };
    const round = new Round({ ...options, id: options.id ?? newRoundId() });
    if (this.#byId.has(round.id)) throw new Error(`Round id ${round.id} is already in use`);
    this.#byChannel.set(round.channelId, round);
    this.#byId.set(round.id, round);
    return { kind: 'started', round };
  }

  /** Registers a round restored from storage; false when its channel or id is taken meanwhile. */
  adopt(round: Round): boolean {
    if (this.#byChannel.has(round.channelId) || this.#byId.has(round.id)) return false;
    this.#byChannel.set(round.channelId, round);
    this.#byId.set(round.id, round);
    return true;
  }

  /** The round a button belongs to; undefined means that round is over (or the bot restarted). */
  get(roundId: string): Round | undefined {
    return this.#byId.get(roundId);
  }

  inChannel(channelId: string): Round | undefined {
    return this.#byChannel.get(channelId);
  }

  /**
   * Ends and removes the channel's round. `reveal` is the question that was
   * still open, if any; timers holding the round then see `finished`.
   */
  stop(channelId: string): { round: Round; reveal: Reveal | undefined } | undefined {
    const round = this.#byChannel.get(channelId);
    if (!round) return undefined;
    const reveal = round.stop();
    this.#remove(round);
    return { round, reveal };
  }

  /** Removes this round only if it is still the one registered: a late timer cannot end a newer round. */
  finish(round: Round): boolean {
    if (this.#byId.get(round.id) !== round) return false;
    this.#remove(round);
    return true;
  }

  get size(): number {
    return this.#byId.size;
  }

  all(): Round[] {
    return [...this.#byId.values()];
  }

  #remove(round: Round): void {
    round.stop();
    this.#byChannel.delete(round.channelId);
    this.#byId.delete(round.id);
  }
}
