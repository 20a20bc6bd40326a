import type { Measurements, Metadata } from '@isotel/core';

/** One event as the devtools keeps it. */
export interface EventEntry {
  /** Increasing number, unique within one panel. */
  readonly seq: number;
  readonly name: string;
  readonly measurements: Measurements;
  readonly metadata: Metadata;
  /** Epoch milliseconds when the panel received it. */
  readonly time: number;
}

/**
 * A fixed-capacity ring of events, stored as parallel arrays so recording one event allocates
 * nothing but the slot it overwrites: the bus handler only writes here, the view reads later.
 */
export class EventRing {
  readonly capacity: number;
  readonly #names: string[];
  readonly #measurements: Measurements[];
  readonly #metadata: Metadata[];
  readonly #times: number[];
  #next = 0;
  #size = 0;
  /** Events ever recorded (the seq of the next one). */
  total = 0;

  constructor(capacity: number) {
    this.capacity = capacity;
    this.#names = new Array<string>(capacity);
    this.#measurements = new Array<Measurements>(capacity);
    this.#metadata = new Array<Metadata>(capacity);
    this.#times = new Array<number>(capacity);
  }

  get size(): number {
    return this.#size;
  }

  /** The seq of the oldest event still held. */
  get firstSeq(): number {
    return this.total - this.#size;
  }

  push(name: string, measurements: Measurements, metadata: Metadata, time: number): void {
    const i = this.#next;
    this.#names[i] = name;
    this.#measurements[i] = measurements;
    this.#metadata[i] = metadata;
    this.#times[i] = time;
    this.#next = i + 1 === this.capacity ? 0 : i + 1;
    if (this.#size < this.capacity) this.#size++;
    this.total++;
  }

  /** The event with this seq, or undefined once it was overwritten. */
  get(seq: number): EventEntry | undefined {
    if (seq < this.firstSeq || seq >= this.total) return undefined;
    const i = seq % this.capacity;
    return {
      seq,
      name: this.#names[i] as string,
      measurements: this.#measurements[i] as Measurements,
      metadata: this.#metadata[i] as Metadata,
      time: this.#times[i] as number,
    };
  }

  /** The name of the event with this seq (no allocation; for filtering). */
  nameAt(seq: number): string {
    return this.#names[seq % this.capacity] as string;
  }

  /** The metadata of the event with this seq, which must still be held (no allocation; for scans). */
  metadataAt(seq: number): Metadata {
    return this.#metadata[seq % this.capacity] as Metadata;
  }

  clear(): void {
    this.#names.fill(undefined as unknown as string);
    this.#measurements.fill(undefined as unknown as Measurements);
    this.#metadata.fill(undefined as unknown as Metadata);
    this.#size = 0;
    this.#next = this.total % this.capacity;
  }
}
