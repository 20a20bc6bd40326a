import type { ExporterStorage } from '../export/exporter-stats.js';

/**
 * What the queue knows about one stored segment without reading its records. Events are stored
 * in segments (the events one tab emitted within a few milliseconds) rather than one row per
 * event: in Chromium each IndexedDB `put` costs tens of microseconds of main-thread time, one
 * `put` per segment costs that once for hundreds of events.
 */
export interface SegmentHead {
  /** A UUIDv7, so key order is creation order. */
  readonly id: string;
  /** Epoch ms of the oldest record in it. */
  readonly time: number;
  readonly count: number;
  /** Sum of the records' JSON lengths. */
  readonly bytes: number;
}

/**
 * A segment with its records: `EventRecord` JSON strings joined by `\n` (JSON never contains a
 * raw newline), stored without their `clientId`/`sessionId`, which are the same for the whole
 * segment and kept once in `source` (a third of a small record's size is those two ids).
 */
export interface Segment extends SegmentHead {
  readonly records: string;
  /** The JSON members every record of the segment ends with (`,"clientId":...,"sessionId":...`). */
  readonly source: string;
}

/** Where segments live: IndexedDB shared by every tab of the origin, or this page's memory. */
export interface SegmentStore {
  readonly kind: ExporterStorage;
  /** Inserts new segments, in one transaction. Rejects with the storage's error (e.g. `QuotaExceededError`). */
  put(segments: readonly Segment[]): Promise<void>;
  /** Replaces the segment with the same id (its records changed), atomically. */
  replace(segment: Segment): Promise<void>;
  /** Every segment's head, oldest first. */
  heads(): Promise<SegmentHead[]>;
  /** The segments with these ids that still exist, in key order. */
  get(ids: readonly string[]): Promise<Segment[]>;
  delete(ids: readonly string[]): Promise<void>;
  close(): void;
}

/** A segment store in this page's memory: the fallback where IndexedDB is missing. */
export class MemorySegmentStore implements SegmentStore {
  readonly kind = 'memory' as const;
  readonly #segments = new Map<string, Segment>();

  async put(segments: readonly Segment[]): Promise<void> {
    for (const segment of segments) this.#segments.set(segment.id, segment);
  }

  async replace(segment: Segment): Promise<void> {
    this.#segments.set(segment.id, segment);
  }

  async heads(): Promise<SegmentHead[]> {
    return this.#sorted().map(({ id, time, count, bytes }) => ({ id, time, count, bytes }));
  }

  async get(ids: readonly string[]): Promise<Segment[]> {
    const wanted = new Set(ids);
    return this.#sorted().filter((s) => wanted.has(s.id));
  }

  async delete(ids: readonly string[]): Promise<void> {
    for (const id of ids) this.#segments.delete(id);
  }

  close(): void {}

  #sorted(): Segment[] {
    return [...this.#segments.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }
}
