import { matches } from '../bus/pattern.js';
import type { Telemetry } from '../bus/telemetry.js';
import type { Measurements, Metadata } from '../bus/types.js';
import { describeError } from '../errors/describe-error.js';
import { backoffDelay } from '../export/backoff.js';
import { CircuitBreaker } from '../export/circuit-breaker.js';
import { countDrop, type DropReason, type ExporterStats } from '../export/exporter-stats.js';
import { logger } from '../log/logger.js';
import { pageSession, persistentClientId } from './client-identity.js';
import { followControl } from './control-stream.js';
import { EventQueue, withSource } from './event-queue.js';
import { ControlGate, type ExporterControl, validateExporterControl } from './exporter-control.js';
import {
  type BrowserExporterOptions,
  type ResolvedExporterOptions,
  resolveExporterOptions,
} from './exporter-options.js';
import { withFlushLock } from './flush-lock.js';
import { openIndexedDbStore } from './indexeddb-store.js';
import { PageLifecycle } from './page-lifecycle.js';
import { PageTail } from './page-tail.js';
import { encodeRecord, type RecordSource, recordId, sourceJson } from './record-encoder.js';
import { fitUtf8, KEEPALIVE_BODY_BYTES, newestWithin, segmentsOf, WRITE_MAX_CHARS } from './record-groups.js';
import { MemorySegmentStore, type SegmentStore } from './segment-store.js';
import { batchBody, postBatch } from './transport.js';

// Requests per flush at most, so one flush cannot monopolise the lock behind a huge backlog.
const MAX_REQUESTS_PER_FLUSH = 50;
const MAX_EXCLUDE_CACHE = 1000;

/** The exporter's public face: stats, flush, control, shutdown. */
export interface BrowserExporter {
  /** Resolves once storage is open (IndexedDB, or memory after a fallback). */
  readonly ready: Promise<void>;
  /** A snapshot of queue, network and drop counters. */
  stats(): ExporterStats;
  /** Writes buffered events, then ships what the queue holds (if this tab gets the flush lock). */
  flush(): Promise<void>;
  /** Replaces the control in force. Throws `IsotelError` (`invalid_control`) on bad input, keeping the old one. */
  setControl(control: ExporterControl): void;
  /** Detaches, writes what is buffered, makes a last flush and closes storage. Idempotent. */
  shutdown(): Promise<void>;
}

class IndexedDbBrowserExporter implements BrowserExporter {
  readonly ready: Promise<void>;
  readonly #t: Telemetry;
  readonly #o: ResolvedExporterOptions;
  readonly #source: RecordSource;
  readonly #sourceJson: string;
  readonly #breaker: CircuitBreaker;
  readonly #gate = new ControlGate();
  readonly #dropped: Partial<Record<DropReason, number>> = {};
  readonly #reportedDrops: Partial<Record<DropReason, number>> = {};
  readonly #excluded = new Map<string, boolean>();
  readonly #lifecycle: PageLifecycle | undefined;
  readonly #unregister: () => void;
  readonly #stopControl: () => void;
  #queue: EventQueue | undefined;
  #pending: string[] = [];
  #pendingBytes = 0;
  #writing = 0;
  #write: Promise<void> = Promise.resolve();
  #cancelWrite: (() => void) | undefined;
  #sinceFlush = 0;
  // this page's newest events not yet acknowledged, for the keepalive send on pagehide
  readonly #tail = new PageTail(KEEPALIVE_BODY_BYTES);
  #flushChain: Promise<void> = Promise.resolve();
  #queuedFlush: { keepalive: boolean; promise: Promise<void> } | undefined;
  #cancelFlushTimer: (() => void) | undefined;
  #flushTimerAt = Number.POSITIVE_INFINITY;
  #attempt = 0;
  #nextAttemptAt: number | undefined;
  #inFlight = 0;
  #sent = 0;
  #retried = 0;
  #lastError: string | undefined;
  #lastFlushAt: number | undefined;
  #closed: Promise<void> | undefined;

  constructor(telemetry: Telemetry, options: BrowserExporterOptions) {
    this.#t = telemetry;
    this.#o = resolveExporterOptions(options);
    if (options.control !== undefined) this.#gate.set(validateExporterControl(options.control));
    this.#source = { clientId: persistentClientId(), sessionId: pageSession() };
    this.#sourceJson = sourceJson(this.#source);
    this.#breaker = new CircuitBreaker({ ...this.#o.breaker, now: this.#o.now });
    this.ready = this.#openStorage();
    telemetry.attachMany(this.#o.handlerId, this.#o.patterns, this.#onEvent, { onFailure: 'keep' });
    this.#unregister = telemetry.onShutdown(() => this.shutdown());
    this.#stopControl = this.#o.liveControl
      ? followControl(this.#o.baseUrl, this.#source.clientId, this.#o.token, (control) =>
          this.#applyRemoteControl(control),
        )
      : () => undefined;
    this.#lifecycle = this.#o.lifecycle
      ? new PageLifecycle({
          online: () => this.#onOnline(),
          hidden: () => void this.#requestFlush(true),
          pagehide: () => this.#sendTail(),
        })
      : undefined;
  }

  async #openStorage(): Promise<void> {
    let store: SegmentStore;
    if (this.#o.storage === 'memory') {
      store = new MemorySegmentStore();
    } else {
      try {
        store = await openIndexedDbStore(this.#o.dbName);
      } catch (error) {
        this.#lastError = `IndexedDB unavailable, queueing in memory: ${describeError(error, true)}`;
        logger().warn('The browser exporter could not open IndexedDB; events are queued in memory only.', error);
        store = new MemorySegmentStore();
      }
    }
    const bounds = { maxEvents: this.#o.maxEvents, maxBytes: this.#o.maxBytes, maxAgeMs: this.#o.maxAgeMs };
    this.#queue = new EventQueue(store, bounds, this.#o.now, this.#dropped, (message) => {
      this.#lastError = `storage: ${message}`;
    });
    await this.#queue.refresh().catch((error) => this.#storageFailed(error));
    if (this.#queue.count > 0) this.#scheduleFlush(0);
  }

  // The bus handler: the main-thread cost of every exported emit lives here, so it only
  // serialises the event and appends it to an in-memory buffer; storage writes are batched.
  readonly #onEvent = (name: string, measurements: Measurements, metadata: Metadata): void => {
    if (this.#closed !== undefined || this.#isExcluded(name)) return;
    let rate = 1;
    if (this.#gate.control !== undefined) {
      const decision = this.#gate.decide(name, metadata);
      if (typeof decision === 'string') {
        countDrop(this.#dropped, decision);
        return;
      }
      rate = decision;
    }
    const json = encodeRecord(name, measurements, metadata, '', this.#o.now(), rate);
    if (json === undefined) {
      countDrop(this.#dropped, 'invalid');
      return;
    }
    this.#pending.push(json);
    this.#pendingBytes += json.length;
    if (++this.#sinceFlush >= this.#o.batchSize) this.#scheduleFlush(0);
    if (this.#pending.length >= this.#o.writeBatchSize || this.#pendingBytes >= WRITE_MAX_CHARS) this.#persist();
    else if (this.#cancelWrite === undefined)
      this.#cancelWrite = this.#o.schedule(this.#afterWriteDelay, this.#o.writeDelayMs);
  };

  readonly #afterWriteDelay = (): void => {
    this.#cancelWrite = undefined;
    this.#persist();
  };

  #isExcluded(name: string): boolean {
    let excluded = this.#excluded.get(name);
    if (excluded === undefined) {
      excluded = this.#o.exclude.some((pattern) => matches(pattern, name));
      if (this.#excluded.size >= MAX_EXCLUDE_CACHE) this.#excluded.clear();
      this.#excluded.set(name, excluded);
    }
    return excluded;
  }

  // Writes the buffered events in one transaction. Writes run one after another, in emit order.
  #persist(): Promise<void> {
    this.#cancelWrite?.();
    this.#cancelWrite = undefined;
    if (this.#pending.length === 0) return this.#write;
    const records = this.#pending;
    const bytes = this.#pendingBytes;
    this.#pending = [];
    this.#pendingBytes = 0;
    this.#writing += records.length;
    this.#tail.remember(records, bytes);
    this.#write = this.ready
      .then(() => (this.#queue as EventQueue).append(segmentsOf(records, bytes), this.#sourceJson))
      .catch((error) => {
        countDrop(this.#dropped, 'storage', records.length);
        this.#storageFailed(error);
      })
      .finally(() => {
        this.#writing -= records.length;
        this.#scheduleFlush(this.#o.flushIntervalMs);
      });
    return this.#write;
  }

  #storageFailed(error: unknown): void {
    this.#lastError = `storage: ${describeError(error, true)}`;
    logger().warn('The browser exporter failed to use its storage.', error);
  }

  // One flush timer at a time, at the earliest time asked for, never before a pending retry time.
  // A retry (`replace`) moves the timer to its own time: an earlier wake-up would only be skipped.
  #scheduleFlush(delayMs: number, replace = false): void {
    if (this.#closed !== undefined) return;
    const now = this.#o.now();
    const waitUntil = Math.max(now + delayMs, this.#nextAttemptAt ?? 0);
    if (!replace && waitUntil >= this.#flushTimerAt) return;
    this.#cancelFlushTimer?.();
    this.#flushTimerAt = waitUntil;
    this.#cancelFlushTimer = this.#o.schedule(this.#onFlushTimer, waitUntil - now);
  }

  readonly #onFlushTimer = (): void => {
    this.#cancelFlushTimer = undefined;
    this.#flushTimerAt = Number.POSITIVE_INFINITY;
    void this.#requestFlush(false);
  };

  flush(): Promise<void> {
    return this.#requestFlush(false);
  }

  // Flushes run one at a time; requests made while one runs share the next run.
  #requestFlush(keepalive: boolean): Promise<void> {
    if (this.#queuedFlush !== undefined) {
      this.#queuedFlush.keepalive ||= keepalive;
      return this.#queuedFlush.promise;
    }
    const request = { keepalive, promise: Promise.resolve() };
    request.promise = this.#flushChain.then(() => {
      this.#queuedFlush = undefined;
      return this.#flushOnce(request.keepalive);
    });
    this.#queuedFlush = request;
    this.#flushChain = request.promise;
    return request.promise;
  }

  async #flushOnce(keepalive: boolean): Promise<void> {
    try {
      await this.#persist();
      await this.ready;
      const queue = this.#queue as EventQueue;
      const flushed = await withFlushLock(this.#o.lockName, () => this.#drain(queue, keepalive));
      if (!flushed || queue.count > 0) this.#scheduleFlush(this.#o.flushIntervalMs);
    } catch (error) {
      this.#lastError = describeError(error, true);
      logger().warn('A browser exporter flush failed.', error);
      this.#scheduleFlush(this.#o.flushIntervalMs);
    }
    this.#reportDrops();
  }

  // Drops are counted where they happen (some on every emit, e.g. sampling) and reported on the
  // bus once per flush, one `isotel.exporter.drop` per reason with the count since the last report.
  #reportDrops(): void {
    for (const reason in this.#dropped) {
      const total = this.#dropped[reason as DropReason] as number;
      const count = total - (this.#reportedDrops[reason as DropReason] ?? 0);
      if (count <= 0) continue;
      this.#reportedDrops[reason as DropReason] = total;
      this.#t.emit('isotel.exporter.drop', { count }, { reason });
    }
  }

  async #drain(queue: EventQueue, keepalive: boolean): Promise<void> {
    await queue.refresh();
    this.#sinceFlush = 0;
    for (let request = 0; request < MAX_REQUESTS_PER_FLUSH; request++) {
      if (this.#nextAttemptAt !== undefined && this.#o.now() < this.#nextAttemptAt) return;
      const budget = keepalive ? KEEPALIVE_BODY_BYTES : this.#o.maxBatchBytes;
      const envelope = batchBody(this.#source.clientId, this.#source.sessionId, this.#o.resource, []).length;
      const taken = await queue.take(this.#o.batchSize, budget - envelope);
      if (taken.oversize.length > 0) {
        countDrop(this.#dropped, 'too_large', taken.oversize.length);
        await queue.acknowledge(taken.segmentIds, new Set(taken.oversize.map(recordId)));
      }
      if (taken.records.length === 0) return;
      if (!this.#breaker.tryAcquire()) {
        const retryAt = this.#breaker.retryAt;
        if (retryAt !== undefined) this.#scheduleFlush(retryAt - this.#o.now());
        return;
      }
      const records = fitUtf8(taken.records, this.#source, this.#o.resource, budget);
      const done = await this.#send(queue, records, taken.segmentIds, keepalive);
      if (!done || queue.count === 0) return;
    }
  }

  // One request; true when the records are settled (acknowledged or refused for good).
  async #send(queue: EventQueue, records: string[], segmentIds: string[], keepalive: boolean): Promise<boolean> {
    const body = batchBody(this.#source.clientId, this.#source.sessionId, this.#o.resource, records);
    const target = { url: this.#o.endpoint, fetch: this.#o.fetch, ...(this.#o.token ? { token: this.#o.token } : {}) };
    this.#inFlight = records.length;
    this.#lastFlushAt = this.#o.now();
    const started = performance.now();
    const outcome = await postBatch(target, body, keepalive, this.#o.now).finally(() => {
      this.#inFlight = 0;
    });
    const duration = performance.now() - started;
    this.#t.emit('isotel.exporter.flush', { events: records.length, duration }, { outcome: outcome.kind });
    if (outcome.kind === 'retry') {
      this.#breaker.recordFailure();
      this.#retried++;
      this.#lastError = outcome.error;
      const delay = outcome.retryAfterMs ?? backoffDelay(this.#attempt, this.#o.backoff, this.#o.random);
      this.#attempt++;
      this.#nextAttemptAt = this.#o.now() + delay;
      this.#scheduleFlush(delay, true);
      return false;
    }
    this.#breaker.recordSuccess();
    this.#attempt = 0;
    this.#nextAttemptAt = undefined;
    if (outcome.kind === 'refused') {
      this.#lastError = outcome.error;
      countDrop(this.#dropped, 'client_error', records.length);
    } else {
      const rejected = Math.min(outcome.response.rejected.length, records.length);
      countDrop(this.#dropped, 'rejected', rejected);
      this.#sent += records.length - rejected;
      if (outcome.response.control !== undefined) this.#applyRemoteControl(outcome.response.control);
    }
    const ids = new Set(records.map(recordId));
    await queue.acknowledge(segmentIds, ids);
    this.#tail.forget(ids);
    return true;
  }

  #applyRemoteControl(input: unknown): void {
    try {
      this.#gate.set(validateExporterControl(input));
    } catch (error) {
      logger().warn('The collector sent an invalid control; the previous one stays in force.', error);
    }
  }

  setControl(control: ExporterControl): void {
    this.#gate.set(validateExporterControl(control));
  }

  #onOnline(): void {
    // The network is back: whatever backoff or open circuit was due to being offline is moot.
    this.#breaker.reset();
    this.#attempt = 0;
    this.#nextAttemptAt = undefined;
    void this.#requestFlush(false);
  }

  // pagehide: the page may be gone before IndexedDB answers, so send this page's unacknowledged
  // tail from memory in one keepalive request, newest first within the budget. The records stay
  // queued; if they are sent again later, the collector dedupes them by id.
  #sendTail(): void {
    this.#persist();
    const tail = this.#tail.takeAll();
    if (tail.length === 0) return;
    const source = this.#sourceJson;
    const whole = newestWithin(tail, KEEPALIVE_BODY_BYTES - 200).map((json) => withSource(json, source));
    const records = fitUtf8(
      newestWithin(whole, KEEPALIVE_BODY_BYTES),
      this.#source,
      this.#o.resource,
      KEEPALIVE_BODY_BYTES,
    );
    const body = batchBody(this.#source.clientId, this.#source.sessionId, this.#o.resource, records);
    const target = { url: this.#o.endpoint, fetch: this.#o.fetch, ...(this.#o.token ? { token: this.#o.token } : {}) };
    void postBatch(target, body, true, this.#o.now);
  }

  stats(): ExporterStats {
    const queue = this.#queue;
    const stats: ExporterStats = {
      queued: (queue?.count ?? 0) + this.#pending.length + this.#writing,
      bytes: (queue?.bytes ?? 0) + this.#pendingBytes,
      inFlight: this.#inFlight,
      sent: this.#sent,
      retried: this.#retried,
      dropped: { ...this.#dropped },
      breaker: this.#breaker.state,
      storage: queue?.store.kind ?? (this.#o.storage === 'memory' ? 'memory' : 'indexeddb'),
    };
    return {
      ...stats,
      ...(this.#lastError === undefined ? {} : { lastError: this.#lastError }),
      ...(this.#lastFlushAt === undefined ? {} : { lastFlushAt: this.#lastFlushAt }),
      ...(this.#nextAttemptAt === undefined ? {} : { nextAttemptAt: this.#nextAttemptAt }),
    };
  }

  shutdown(): Promise<void> {
    this.#closed ??= this.#close();
    return this.#closed;
  }

  async #close(): Promise<void> {
    this.#t.detach(this.#o.handlerId);
    this.#unregister();
    this.#lifecycle?.stop();
    this.#stopControl();
    this.#cancelFlushTimer?.();
    await this.#persist();
    await this.ready;
    // one last attempt, unless the server asked us to wait
    await this.#flushChain;
    await this.#flushOnce(false);
    this.#cancelFlushTimer?.();
    const queue = this.#queue as EventQueue;
    if (queue.store.kind === 'memory') countDrop(this.#dropped, 'shutdown', queue.count);
    queue.store.close();
  }
}

/**
 * Ships the events of a bus to an isotel collector from a browser, surviving offline periods,
 * reloads, several tabs and server outages. Events are queued in IndexedDB (shared by the
 * origin's tabs, bounded by count, bytes and age; memory where IndexedDB is missing), sent in
 * batches on size, on a timer, on `online` and when the page is hidden or unloaded (keepalive),
 * by one tab at a time (Web Locks), retried with backoff and removed only once acknowledged.
 * It shuts down with the bus (`t.shutdown()`).
 *
 * @example
 * const t = createTelemetry()
 * const exporter = createBrowserExporter(t, { url: 'https://collector.example.com', token })
 * t.emit('checkout.payment.stop', { duration: 12 }, { orderId })
 * exporter.stats() // { queued: 1, storage: 'indexeddb', ... }
 */
export function createBrowserExporter(telemetry: Telemetry, options: BrowserExporterOptions): BrowserExporter {
  return new IndexedDbBrowserExporter(telemetry, options);
}
