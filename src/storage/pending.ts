/**
 * The writes a store has started and not finished. Keyv hands a write to its
 * adapter a few microtasks after it is called, and a shared backend may run
 * two statements on two connections in either order, so a scan or a close
 * waits here for the writes called before it.
 */
export class PendingWrites {
  readonly #writes = new Set<Promise<unknown>>();

  track<R>(write: Promise<R>): Promise<R> {
    this.#writes.add(write);
    const forget = () => this.#writes.delete(write);
    write.then(forget, forget);
    return write;
  }

  /** Resolves once every write tracked so far has settled (not later ones, so a scan cannot starve). */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.#writes]);
  }
}
