/** Per-user, per-action cooldowns kept in memory: a restart forgives everyone, which is fine. */
export class Cooldowns {
  readonly #until = new Map<string, number>();

  /** Returns 0 and starts the cooldown when the action may go ahead, else the ms left to wait. */
  take(key: string, now: number, ms: number): number {
    const until = this.#until.get(key) ?? 0;
    if (until > now) return until - now;
    if (this.#until.size > 10_000) this.#sweep(now);
    this.#until.set(key, now + ms);
    return 0;
  }

  #sweep(now: number): void {
    for (const [key, until] of this.#until) if (until <= now) this.#until.delete(key);
  }
}
