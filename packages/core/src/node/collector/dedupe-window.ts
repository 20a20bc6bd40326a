/**
 * Remembers the ids of recently accepted events so a batch sent twice (a flush whose response was
 * lost, a tab reloaded mid-flush) is stored once. Bounded twice: by count, so memory has a hard
 * cap whatever clients send, and by age, because exporters resend only what is still in their
 * queue. Ids sit in a ring in arrival order (oldest at `head`) next to a Map for lookups, so both
 * bounds cost O(1) per id; evicting through the Map's own iteration order instead would make V8
 * skip ever more deleted slots at the front of the table.
 */
export class DedupeWindow {
  readonly #seen = new Map<string, number>();
  readonly #ids: (string | undefined)[];
  readonly #times: Float64Array;
  readonly #windowMs: number;
  #head = 0;
  #count = 0;

  constructor(capacity: number, windowMs: number) {
    this.#ids = new Array<string | undefined>(capacity).fill(undefined);
    this.#times = new Float64Array(capacity);
    this.#windowMs = windowMs;
  }

  /** True when `id` was already recorded within the window. */
  has(id: string, now: number): boolean {
    const at = this.#seen.get(id);
    return at !== undefined && now - at < this.#windowMs;
  }

  /**
   * Records `id` as accepted at `now` and returns true, unless it was already recorded within the
   * window (a duplicate: returns false). Evicts the oldest ids past the count or age bound.
   */
  claim(id: string, now: number): boolean {
    const at = this.#seen.get(id);
    if (at !== undefined && now - at < this.#windowMs) return false;
    const capacity = this.#ids.length;
    while (
      this.#count > 0 &&
      (this.#count === capacity || now - (this.#times[this.#head] as number) >= this.#windowMs)
    ) {
      this.#evictOldest();
    }
    const slot = (this.#head + this.#count) % capacity;
    this.#ids[slot] = id;
    this.#times[slot] = now;
    this.#count++;
    this.#seen.set(id, now);
    return true;
  }

  /** Ids currently remembered. */
  get size(): number {
    return this.#seen.size;
  }

  /** The count bound. */
  get capacity(): number {
    return this.#ids.length;
  }

  #evictOldest(): void {
    const id = this.#ids[this.#head] as string;
    this.#ids[this.#head] = undefined;
    this.#seen.delete(id);
    this.#head = (this.#head + 1) % this.#ids.length;
    this.#count--;
  }
}
