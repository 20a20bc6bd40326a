/**
 * Remembers the ids of recently accepted events so a batch sent twice (a flush whose response was
 * lost, a tab reloaded mid-flush) is stored once. Bounded twice: by count, so memory has a hard
 * cap whatever clients send, and by age, because exporters resend only what is still in their
 * queue. Ids sit in a ring in arrival order (oldest at `head`), so both bounds cost O(1) per id.
 *
 * Lookups go through an open-addressing table of ring slots (linear probing, at most half full,
 * backward-shift deletion) over a seeded hash of the id. A `Map<string, number>` did the same job
 * at about twice the cost per id at 100k ids: a get, a set and a delete per event, each touching
 * the map's large, scattered table, plus the map's periodic rehash after deletions. Here the probe
 * reads one `Int32Array` and the slot's stored hash; the id string is compared only when the
 * hashes match, so the answer is exact.
 */
export class DedupeWindow {
  readonly #ids: (string | undefined)[];
  readonly #times: Float64Array;
  readonly #hashes: Int32Array;
  // ring slot + 1 per table position; 0 is empty
  readonly #table: Int32Array;
  readonly #mask: number;
  readonly #seed: number;
  readonly #windowMs: number;
  #head = 0;
  #count = 0;
  #size = 0;

  constructor(capacity: number, windowMs: number) {
    this.#ids = new Array<string | undefined>(capacity).fill(undefined);
    this.#times = new Float64Array(capacity);
    this.#hashes = new Int32Array(capacity);
    let tableSize = 16;
    while (tableSize < capacity * 2) tableSize *= 2;
    this.#table = new Int32Array(tableSize);
    this.#mask = tableSize - 1;
    this.#seed = (Math.random() * 0x100000000) | 0;
    this.#windowMs = windowMs;
  }

  /** True when `id` was already recorded within the window. */
  has(id: string, now: number): boolean {
    const slot = this.#find(id, this.#hash(id));
    return slot >= 0 && now - (this.#times[slot] as number) < this.#windowMs;
  }

  /**
   * Records `id` as accepted at `now` and returns true, unless it was already recorded within the
   * window (a duplicate: returns false). Evicts the oldest ids past the count or age bound.
   */
  claim(id: string, now: number): boolean {
    const hash = this.#hash(id);
    const seen = this.#find(id, hash);
    if (seen >= 0 && now - (this.#times[seen] as number) < this.#windowMs) return false;
    const capacity = this.#ids.length;
    while (
      this.#count > 0 &&
      (this.#count === capacity || now - (this.#times[this.#head] as number) >= this.#windowMs)
    ) {
      this.#evictOldest();
    }
    // an expired id still in the ring (the clock went back): forget its old slot
    if (seen >= 0 && this.#ids[seen] === id) this.#forget(seen);
    const slot = (this.#head + this.#count) % capacity;
    this.#ids[slot] = id;
    this.#times[slot] = now;
    this.#hashes[slot] = hash;
    this.#count++;
    const table = this.#table;
    const mask = this.#mask;
    let at = hash & mask;
    while (table[at] !== 0) at = (at + 1) & mask;
    table[at] = slot + 1;
    this.#size++;
    return true;
  }

  /** Ids currently remembered. */
  get size(): number {
    return this.#size;
  }

  /** The count bound. */
  get capacity(): number {
    return this.#ids.length;
  }

  // FNV-1a over the UTF-16 code units from a per-window random basis, then murmur3's finaliser
  #hash(id: string): number {
    let h = this.#seed ^ 0x811c9dc5;
    for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    return h ^ (h >>> 16);
  }

  // the ring slot holding `id`, or -1
  #find(id: string, hash: number): number {
    const table = this.#table;
    const mask = this.#mask;
    for (let at = hash & mask; ; at = (at + 1) & mask) {
      const entry = table[at] as number;
      if (entry === 0) return -1;
      const slot = entry - 1;
      if (this.#hashes[slot] === hash && this.#ids[slot] === id) return slot;
    }
  }

  #evictOldest(): void {
    const slot = this.#head;
    if (this.#ids[slot] !== undefined) this.#forget(slot);
    this.#head = (slot + 1) % this.#ids.length;
    this.#count--;
  }

  // removes a ring slot's id from the table (backward-shift deletion keeps probe runs unbroken)
  #forget(slot: number): void {
    const table = this.#table;
    const mask = this.#mask;
    let hole = (this.#hashes[slot] as number) & mask;
    while (table[hole] !== slot + 1) hole = (hole + 1) & mask;
    for (let next = (hole + 1) & mask; table[next] !== 0; next = (next + 1) & mask) {
      const entry = table[next] as number;
      const home = (this.#hashes[entry - 1] as number) & mask;
      const stays = hole <= next ? home > hole && home <= next : home > hole || home <= next;
      if (!stays) {
        table[hole] = entry;
        hole = next;
      }
    }
    table[hole] = 0;
    this.#ids[slot] = undefined;
    this.#size--;
  }
}
