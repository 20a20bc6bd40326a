import { IsotelError } from '../errors/isotel-error.js';

/**
 * A FIFO with a fixed capacity that drops its oldest item to make room, and counts every item it
 * dropped, so a stuck consumer costs bounded memory and the loss stays visible.
 *
 * @example
 * const q = new BoundedQueue<string>(2)
 * q.push('a'); q.push('b'); q.push('c') // 'a' is dropped
 * q.dropped // 1
 */
export class BoundedQueue<T> {
  readonly capacity: number;
  #items: (T | undefined)[];
  #head = 0;
  #size = 0;
  #dropped = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new IsotelError('invalid_argument', `queue capacity must be a positive integer, got ${capacity}.`);
    }
    this.capacity = capacity;
    this.#items = new Array<T | undefined>(capacity);
  }

  /** Items held now. */
  get size(): number {
    return this.#size;
  }

  /** Items dropped since creation (oldest-first eviction). */
  get dropped(): number {
    return this.#dropped;
  }

  /** Appends an item; when full, the oldest is dropped first. Returns the dropped item, if any. */
  push(item: T): T | undefined {
    let evicted: T | undefined;
    if (this.#size === this.capacity) {
      evicted = this.shift();
      this.#dropped++;
    }
    this.#items[(this.#head + this.#size) % this.capacity] = item;
    this.#size++;
    return evicted;
  }

  /** Removes and returns the oldest item. */
  shift(): T | undefined {
    if (this.#size === 0) return undefined;
    const item = this.#items[this.#head];
    this.#items[this.#head] = undefined;
    this.#head = (this.#head + 1) % this.capacity;
    this.#size--;
    return item;
  }

  /** Removes and returns up to `max` of the oldest items, oldest first. */
  take(max: number): T[] {
    const out: T[] = [];
    while (out.length < max && this.#size > 0) out.push(this.shift() as T);
    return out;
  }

  /** The items, oldest first, without removing them. */
  toArray(): T[] {
    const out: T[] = [];
    for (let i = 0; i < this.#size; i++) out.push(this.#items[(this.#head + i) % this.capacity] as T);
    return out;
  }

  /** Empties the queue without counting drops. */
  clear(): void {
    this.#items = new Array<T | undefined>(this.capacity);
    this.#head = 0;
    this.#size = 0;
  }
}
