/**
 * Remembers the ids of recently accepted events so a batch sent twice (a flush whose response was
 * lost, a tab reloaded mid-flush) is stored once. Bounded twice: by count, so memory has a hard
 * cap whatever clients send, and by age, because exporters resend only what is still in their
 * queue. Ids are kept in arrival order in one Map, so the oldest is always first and both bounds
 * are enforced in O(1) amortised time per id.
 */
export class DedupeWindow {
  readonly #seen = new Map<string, number>();
  readonly #capacity: number;
  readonly #windowMs: number;

  constructor(capacity: number, windowMs: number) {
    this.#capacity = capacity;
    this.#windowMs = windowMs;
  }

  /** True when `id` was already recorded within the window. */
  has(id: string, now: number): boolean {
    const at = this.#seen.get(id);
    return at !== undefined && now - at < this.#windowMs;
  }

  /** Records `id` as accepted at `now`, evicting the oldest ids past the count or age bound. */
  add(id: string, now: number): void {
    this.#seen.delete(id);
    this.#seen.set(id, now);
    this.#evict(now);
  }

  /** Ids currently remembered. */
  get size(): number {
    return this.#seen.size;
  }

  /** The count bound. */
  get capacity(): number {
    return this.#capacity;
  }

  #evict(now: number): void {
    for (const [id, at] of this.#seen) {
      if (this.#seen.size <= this.#capacity && now - at < this.#windowMs) return;
      this.#seen.delete(id);
    }
  }
}
