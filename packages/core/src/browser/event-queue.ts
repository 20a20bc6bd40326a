import { describeError } from '../errors/describe-error.js';
import { countDrop, type ExporterDropReason } from '../export/exporter-stats.js';
import { uuidv7 } from '../id/uuidv7.js';
import { recordId, recordTime } from './record-encoder.js';
import type { Segment, SegmentHead, SegmentStore } from './segment-store.js';
import { utf8Length } from './transport.js';

/** The queue's bounds. The oldest events go first when one is exceeded. */
export interface QueueBounds {
  readonly maxEvents: number;
  readonly maxBytes: number;
  readonly maxAgeMs: number;
}

/** Records to store as one segment, and the sum of their lengths. */
export interface RecordGroup {
  readonly records: readonly string[];
  readonly bytes: number;
}

/** Records read for one request, and where they came from (to acknowledge them later). */
export interface TakenRecords {
  readonly records: string[];
  /** The source members of each record (same index): whose events they are. */
  readonly sources: string[];
  /** UTF-8 bytes of `records`. */
  readonly bytes: number;
  readonly segmentIds: string[];
  /** Records bigger than any request may be: the caller counts and acknowledges them away. */
  readonly oversize: string[];
}

/** How {@link EventQueue.take} treats a record bigger than this request's `maxBytes`. */
export interface TakeOptions {
  /** Records over this many UTF-8 bytes go to `oversize`. @default the request's `maxBytes` */
  readonly maxRecordBytes?: number;
  /**
   * `false`: such a record (within `maxRecordBytes`) is taken alone, when it comes first.
   * `true`: it is left queued for a request with more room (keepalive requests).
   * @default false
   */
  readonly skipLarge?: boolean;
}

/**
 * The exporter's queue over a {@link SegmentStore}: appends segments, keeps the bounds (count,
 * bytes, age) by evicting the oldest records, survives quota errors by evicting, and removes
 * records only when told they were acknowledged. Store operations run one at a time, so a
 * flush never reads a segment that an eviction is rewriting. Records taken for a request are in
 * flight until acknowledged or {@link release}d: the bounds neither count nor evict them (they
 * may be delivered already), they apply to the records not being sent. Another tab's records in
 * flight are not known here: evictions run only under `exclusive` (the flush lock), so never
 * while another tab is sending; that tab keeps the bounds when its next flush starts.
 */
export class EventQueue {
  readonly store: SegmentStore;
  readonly #bounds: QueueBounds;
  readonly #now: () => number;
  readonly #dropped: Partial<Record<ExporterDropReason, number>>;
  #heads: SegmentHead[] = [];
  #ops: Promise<unknown> = Promise.resolve();
  // records in flight: id -> stored length (the unit of the heads' bytes)
  readonly #sending = new Map<string, number>();
  #sendingBytes = 0;
  readonly #reportError: (message: string) => void;
  readonly #exclusive: (work: () => Promise<void>) => Promise<boolean>;

  /**
   * `dropped` is the tally evictions are counted in; `reportError` hears of storage failures;
   * `exclusive` runs work only while no other tab sends from this store (default: at once).
   */
  constructor(
    store: SegmentStore,
    bounds: QueueBounds,
    now: () => number,
    dropped: Partial<Record<ExporterDropReason, number>>,
    reportError: (message: string) => void,
    exclusive: (work: () => Promise<void>) => Promise<boolean> = (work) => work().then(() => true),
  ) {
    this.store = store;
    this.#bounds = bounds;
    this.#now = now;
    this.#dropped = dropped;
    this.#reportError = reportError;
    this.#exclusive = exclusive;
  }

  /** Events in the queue as this tab last saw it (other tabs' writes show after {@link refresh}). */
  get count(): number {
    let n = 0;
    for (const head of this.#heads) n += head.count;
    return n;
  }

  get bytes(): number {
    let n = 0;
    for (const head of this.#heads) n += head.bytes;
    return n;
  }

  /**
   * Stores groups of records (oldest first, serialised without their source), one segment per
   * group, in one transaction, with the source members they all share; then keeps the bounds.
   * The write starts at once, in the caller's task (not behind the queue's other operations):
   * a page being unloaded runs no later task, so a write that waited its turn would never start.
   * New segments touch nothing the other operations read or rewrite, and IndexedDB runs
   * transactions over one store in the order they were made.
   */
  append(groups: readonly RecordGroup[], source: string): Promise<void> {
    const segments: Segment[] = [];
    for (const group of groups) {
      segments.push({
        id: uuidv7(this.#now()),
        time: recordTime(group.records[0] as string),
        count: group.records.length,
        bytes: group.bytes,
        records: group.records.join('\n'),
        source,
      });
    }
    return this.#put(segments).then((written) => {
      if (!written) return;
      this.#addHeads(segments);
      return this.#serial(() => this.#keepBounds());
    });
  }

  // A refresh may already have read these heads from the store. A new array, not a change in
  // place: a take or an eviction may be iterating over the current one.
  #addHeads(segments: readonly Segment[]): void {
    const known = new Set(this.#heads.map((head) => head.id));
    const heads = [...this.#heads];
    for (const segment of segments) if (!known.has(segment.id)) heads.push(headOf(segment));
    this.#heads = heads.sort(byId);
  }

  /** Re-reads every head from the store (other tabs append to it too), then keeps the bounds. */
  refresh(): Promise<void> {
    return this.#serial(async () => {
      this.#heads = (await this.store.heads()).sort(byId);
      await this.#keepBounds();
    });
  }

  /**
   * Reads the oldest records (complete, source included), up to `maxEvents` and `maxBytes` of
   * UTF-8 JSON, and marks them in flight (until {@link acknowledge} or {@link release}). Removes
   * nothing.
   */
  take(maxEvents: number, maxBytes: number, options: TakeOptions = {}): Promise<TakenRecords> {
    const maxRecordBytes = options.maxRecordBytes ?? maxBytes;
    return this.#serial(async () => {
      const taken: TakenRecords = { records: [], sources: [], bytes: 0, segmentIds: [], oversize: [] };
      let bytes = 0;
      heads: for (const head of this.#heads) {
        if (taken.records.length >= maxEvents) break;
        const [segment] = await this.store.get([head.id]);
        if (segment === undefined) continue;
        taken.segmentIds.push(segment.id);
        for (const stored of segment.records.split('\n')) {
          const json = withSource(stored, segment.source);
          const size = utf8Length(json);
          if (size > maxRecordBytes) {
            taken.oversize.push(json);
            continue;
          }
          if (taken.records.length >= maxEvents) break heads;
          if (bytes + size > maxBytes) {
            if (options.skipLarge && size > maxBytes) continue;
            // a record bigger than this request, when first, goes alone
            if (taken.records.length > 0 || size <= maxBytes) break heads;
            this.#markSending(stored);
            taken.records.push(json);
            taken.sources.push(segment.source);
            bytes += size;
            break heads;
          }
          this.#markSending(stored);
          taken.records.push(json);
          taken.sources.push(segment.source);
          bytes += size;
        }
      }
      return { ...taken, bytes };
    });
  }

  /** Removes acknowledged records (by id) from the segments they were read from. */
  acknowledge(segmentIds: readonly string[], recordIds: ReadonlySet<string>): Promise<void> {
    return this.#serial(async () => {
      for (const segment of await this.store.get(segmentIds)) {
        await this.#rewrite(segment, (json) => !recordIds.has(recordId(json)));
      }
      for (const id of recordIds) this.#unmarkSending(id);
    });
  }

  /** The records taken are no longer in flight (their request ended without acknowledging them). */
  release(): void {
    this.#sending.clear();
    this.#sendingBytes = 0;
  }

  #markSending(stored: string): void {
    this.#sending.set(recordId(stored), stored.length);
    this.#sendingBytes += stored.length;
  }

  #unmarkSending(id: string): void {
    const length = this.#sending.get(id);
    if (length === undefined) return;
    this.#sending.delete(id);
    this.#sendingBytes -= length;
  }

  #serial<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.#ops.then(operation);
    this.#ops = result.catch(() => undefined);
    return result;
  }

  // Starts the write synchronously (store.put is called before the first await).
  async #put(segments: readonly Segment[]): Promise<boolean> {
    let count = 0;
    for (const segment of segments) count += segment.count;
    try {
      await this.store.put(segments);
      return true;
    } catch (error) {
      this.#reportError(describeError(error, true));
      if (!isQuotaError(error)) {
        countDrop(this.#dropped, 'storage', count);
        return false;
      }
    }
    // Over quota: make room by evicting the oldest segment, then try once more.
    return this.#serial(async () => {
      const oldest = this.#heads[0];
      if (oldest !== undefined) {
        await this.store.delete([oldest.id]).catch(() => undefined);
        this.#heads.shift();
        countDrop(this.#dropped, 'quota', oldest.count);
      }
      try {
        await this.store.put(segments);
        return true;
      } catch (error) {
        this.#reportError(describeError(error, true));
        countDrop(this.#dropped, isQuotaError(error) ? 'quota' : 'storage', count);
        return false;
      }
    });
  }

  // In-flight records are neither counted against the bounds nor evicted: this tab's are known
  // (it is sending them), another tab's are not, so nothing is evicted while another tab sends.
  async #keepBounds(): Promise<void> {
    if (!this.#pastBounds()) return;
    if (this.#sending.size > 0) await this.#evictPastBounds();
    else await this.#exclusive(() => this.#evictPastBounds());
  }

  #pastBounds(): boolean {
    const oldest = this.#heads[0];
    if (oldest === undefined) return false;
    const { maxEvents, maxBytes, maxAgeMs } = this.#bounds;
    return (
      oldest.time < this.#now() - maxAgeMs ||
      this.count - this.#sending.size > maxEvents ||
      this.bytes - this.#sendingBytes > maxBytes
    );
  }

  async #evictPastBounds(): Promise<void> {
    const { maxEvents, maxBytes, maxAgeMs } = this.#bounds;
    const cutoff = this.#now() - maxAgeMs;
    while (this.#heads.length > 0 && (this.#heads[0] as SegmentHead).time < cutoff) {
      if ((await this.#trimOldest('max_age', (json) => recordTime(json) < cutoff)) === 0) break;
    }
    while (this.#heads.length > 0 && this.count - this.#sending.size > maxEvents) {
      let excess = this.count - this.#sending.size - maxEvents;
      if ((await this.#trimOldest('max_events', () => excess-- > 0)) === 0) break;
    }
    while (this.#heads.length > 0 && this.bytes - this.#sendingBytes > maxBytes) {
      let excess = this.bytes - this.#sendingBytes - maxBytes;
      const removed = await this.#trimOldest('max_bytes', (json) => {
        if (excess <= 0) return false;
        excess -= json.length;
        return true;
      });
      if (removed === 0) break;
    }
  }

  // Drops the leading records not in flight of the oldest segment holding any, for which `drop`
  // says so; returns how many (-1 when a segment had already gone, so the caller's loop still
  // makes progress).
  async #trimOldest(reason: ExporterDropReason, drop: (json: string) => boolean): Promise<number> {
    for (let index = 0; index < this.#heads.length; index++) {
      const head = this.#heads[index] as SegmentHead;
      const [segment] = await this.store.get([head.id]);
      if (segment === undefined) {
        // another tab removed it: nothing dropped here, but the head is gone
        this.#heads.splice(index, 1);
        return -1;
      }
      let dropping = true;
      let candidates = false;
      const removed = await this.#rewrite(segment, (json) => {
        if (this.#sending.size > 0 && this.#sending.has(recordId(json))) return true;
        candidates = true;
        dropping = dropping && drop(json);
        return !dropping;
      });
      countDrop(this.#dropped, reason, removed);
      // a segment wholly in flight: look at the next one
      if (removed > 0 || candidates) return removed;
    }
    return 0;
  }

  // Keeps the records `keep` accepts; deletes the segment when none remain. Returns how many went.
  async #rewrite(segment: Segment, keep: (json: string) => boolean): Promise<number> {
    const records = segment.records.split('\n');
    const kept = records.filter(keep);
    const index = this.#heads.findIndex((h) => h.id === segment.id);
    if (kept.length === records.length) return 0;
    if (kept.length === 0) {
      await this.store.delete([segment.id]);
      if (index >= 0) this.#heads.splice(index, 1);
      return records.length;
    }
    let bytes = 0;
    for (const json of kept) bytes += json.length;
    const next: Segment = {
      id: segment.id,
      time: recordTime(kept[0] as string),
      count: kept.length,
      bytes,
      records: kept.join('\n'),
      source: segment.source,
    };
    await this.store.replace(next);
    if (index >= 0) this.#heads[index] = headOf(next);
    return records.length - kept.length;
  }
}

/** A stored record made whole again: its source members go before the closing brace. */
export function withSource(json: string, source: string): string {
  return source === '' ? json : `${json.slice(0, -1)}${source}}`;
}

function headOf(segment: Segment): SegmentHead {
  return { id: segment.id, time: segment.time, count: segment.count, bytes: segment.bytes };
}

function byId(a: SegmentHead, b: SegmentHead): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** True for a storage quota error, whatever layer wrapped it. */
export function isQuotaError(error: unknown): boolean {
  return error instanceof Error && (error.name === 'QuotaExceededError' || /quota/i.test(error.message));
}
