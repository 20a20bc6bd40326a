import { matches } from '../bus/pattern.js';
import type { Telemetry } from '../bus/telemetry.js';
import type { Measurements, Metadata } from '../bus/types.js';
import { ControlEngine } from '../control/control-engine.js';
import { type ControlInput, parseControl } from '../control/control-state.js';
import { describeError } from '../errors/describe-error.js';
import { countDrop, type ExporterDropReason, type ExporterStats, reportDrops } from '../export/exporter-stats.js';
import { logger } from '../log/logger.js';
import { pageSession, persistentClientId } from './client-identity.js';
import { followControl } from './control-stream.js';
import { DeliveredCounts } from './delivered-counts.js';
import { Delivery } from './delivery.js';
import { EventQueue } from './event-queue.js';
import {
  applySettings,
  type BrowserExporterOptions,
  contextKind,
  type ExporterSettings,
  type ResolvedExporterOptions,
  resolveExporterOptions,
} from './exporter-options.js';
import { FlushLock } from './flush-lock.js';
import { openIndexedDbStore } from './indexeddb-store.js';
import { PageLifecycle } from './page-lifecycle.js';
import { PageTail } from './page-tail.js';
import { encodeRecord, type RecordSource, recordId, sourceJson } from './record-encoder.js';
import { KEEPALIVE_BODY_BYTES, segmentsOf, WRITE_MAX_CHARS } from './record-groups.js';
import { MemorySegmentStore, type SegmentStore } from './segment-store.js';

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
  /**
   * Resolves once every event emitted before the call is safe: committed to IndexedDB (from
   * where this or a later page of the origin sends it) or already acknowledged. Await it before
   * navigating away on purpose. With memory storage nothing outlives the page: it resolves after
   * a flush attempt, and `stats().queued` says what is still waiting. Never rejects: a failed
   * write shows in `stats().dropped` and `lastError`.
   *
   * @example
   * t.emit('checkout.done', {}, { orderId })
   * await exporter.persisted()
   * location.assign('/thanks')
   */
  persisted(): Promise<void>;
  /** Replaces the control in force. Throws `IsotelError` (`invalid_control`) on bad input, keeping the old one. */
  setControl(control: ControlInput): void;
  /**
   * Changes settings while running (what `applyExporterConfig` calls on `exporter.*` changes).
   * `enabled` applies at once; `url`, `batchSize` and `flushIntervalMs` between two flushes: a
   * request in flight finishes against the endpoint it was sent to, and what is still queued
   * goes to the new one, so nothing is lost or sent to both. A new endpoint starts with a closed
   * breaker and no backoff. Throws `IsotelError('invalid_argument')` naming a bad setting, and
   * then changes nothing. Resolves once applied.
   *
   * @example await exporter.configure({ url: 'https://collector-b.example.com', batchSize: 50 })
   */
  configure(settings: ExporterSettings): Promise<void>;
  /** Detaches, writes what is buffered, makes a last flush and closes storage. Idempotent. */
  shutdown(): Promise<void>;
}

class IndexedDbBrowserExporter implements BrowserExporter {
  readonly ready: Promise<void>;
  readonly #t: Telemetry;
  #o: ResolvedExporterOptions;
  // the options the latest configure() asked for, until applied between two flushes
  #wanted: ResolvedExporterOptions | undefined;
  #attached = false;
  readonly #source: RecordSource;
  readonly #sourceJson: string;
  readonly #delivery: Delivery;
  // the shared queue's lock; a queue in memory is this page's alone and needs none
  #lock = new FlushLock(undefined);
  // the one control engine, as the bus's: what this exporter ships
  readonly #control = new ControlEngine();
  readonly #dropped: Partial<Record<ExporterDropReason, number>> = {};
  readonly #reportedDrops: Partial<Record<ExporterDropReason, number>> = {};
  readonly #excluded = new Map<string, boolean>();
  readonly #lifecycle: PageLifecycle | undefined;
  readonly #unregister: () => void;
  #stopControl: () => void;
  #queue: EventQueue | undefined;
  #storeClosed = false;
  #pending: string[] = [];
  #pendingBytes = 0;
  #writing = 0;
  // settles once every write started so far has
  #writes: Promise<void> = Promise.resolve();
  #cancelWrite: (() => void) | undefined;
  // Buffered events are written at the end of the task that emitted them, not after writeDelayMs:
  // while the page is hidden or unloading (no later task may run) and in workers (which end
  // with their page, without a word).
  #writeAtOnce: boolean;
  #writeQueued = false;
  // pagehide was seen: events emitted later in the teardown also go out by keepalive if they fit
  #unloading = false;
  readonly #delivered: DeliveredCounts;
  #sinceFlush = 0;
  // this page's newest events not yet acknowledged, for the keepalive send on pagehide
  readonly #tail = new PageTail(KEEPALIVE_BODY_BYTES);
  #flushChain: Promise<void> = Promise.resolve();
  #queuedFlush: { keepalive: boolean; promise: Promise<void> } | undefined;
  #cancelFlushTimer: (() => void) | undefined;
  #flushTimerAt = Number.POSITIVE_INFINITY;
  #lastError: string | undefined;
  // what the last error was about: a delivery error clears once a request succeeds, a storage
  // error once a write does; the fallback to memory stays
  #lastErrorOf: 'delivery' | 'storage' | 'fallback' = 'delivery';
  #errors = 0;
  #closed: Promise<void> | undefined;

  constructor(telemetry: Telemetry, options: BrowserExporterOptions) {
    this.#t = telemetry;
    this.#o = resolveExporterOptions(options);
    if (options.control !== undefined) this.#control.use(parseControl(options.control));
    this.#source = { clientId: persistentClientId(), sessionId: pageSession() };
    this.#sourceJson = sourceJson(this.#source);
    this.#delivered = new DeliveredCounts(this.#sourceJson);
    this.#delivery = new Delivery(this.#o, telemetry, this.#source, this.#dropped, {
      control: (control) => this.#applyRemoteControl(control),
      error: (message) => this.#setError('delivery', message),
      recovered: () => this.#clearError('delivery'),
      settled: (ids) => this.#tail.forget(ids),
      delivered: (bySource) => this.#delivered.sent(bySource),
    });
    this.#writeAtOnce = inWorker();
    this.ready = this.#openStorage();
    this.#setEnabled(this.#o.enabled);
    this.#unregister = telemetry.onShutdown(() => this.shutdown());
    this.#stopControl = this.#followControl();
    this.#lifecycle = this.#o.lifecycle
      ? new PageLifecycle({
          online: () => this.#onOnline(),
          hidden: () => this.#onHidden(),
          shown: () => this.#onShown(),
          pagehide: () => this.#onPagehide(),
        })
      : undefined;
    if (this.#lifecycle?.hidden) this.#writeAtOnce = true;
  }

  #followControl(): () => void {
    return this.#o.liveControl
      ? followControl(this.#o.baseUrl, this.#source.clientId, this.#o.token, (control) =>
          this.#applyRemoteControl(control),
        )
      : () => undefined;
  }

  #setEnabled(enabled: boolean): void {
    if (enabled === this.#attached) return;
    this.#attached = enabled;
    if (enabled) this.#t.attachMany(this.#o.handlerId, this.#o.patterns, this.#onEvent, { onFailure: 'keep' });
    else this.#t.detach(this.#o.handlerId);
  }

  configure(settings: ExporterSettings): Promise<void> {
    const next = applySettings(this.#wanted ?? this.#o, settings);
    if (this.#closed !== undefined) return this.#closed;
    this.#wanted = next;
    this.#setEnabled(next.enabled);
    // after the flush running or queued now: no request is in flight while the endpoint changes
    const applied = this.#flushChain.then(() => this.#retarget(next));
    this.#flushChain = applied;
    return applied;
  }

  #retarget(next: ResolvedExporterOptions): void {
    if (this.#wanted === next) this.#wanted = undefined;
    if (this.#closed !== undefined) return;
    const moved = next.baseUrl !== this.#o.baseUrl;
    this.#o = next;
    this.#delivery.retarget(next);
    if (moved) {
      this.#stopControl();
      this.#stopControl = this.#followControl();
    }
    // a shorter interval moves the timer already set; a batch already reached flushes now
    this.#scheduleFlush(this.#sinceFlush >= next.batchSize ? 0 : next.flushIntervalMs);
  }

  async #openStorage(): Promise<void> {
    let store: SegmentStore = new MemorySegmentStore();
    if (this.#o.storage !== 'memory') {
      try {
        store = await openIndexedDbStore(this.#o.dbName);
      } catch (error) {
        this.#setError('fallback', `IndexedDB unavailable, queueing in memory: ${describeError(error, true)}`);
        logger().warn('The browser exporter could not open IndexedDB; events are queued in memory only.', error);
      }
    }
    const bounds = { maxEvents: this.#o.maxEvents, maxBytes: this.#o.maxBytes, maxAgeMs: this.#o.maxAgeMs };
    if (store.kind === 'indexeddb') {
      this.#lock = new FlushLock(this.#o.lockName);
      this.#delivered.share(this.#o.dbName);
    }
    const lock = this.#lock;
    this.#queue = new EventQueue(
      store,
      bounds,
      this.#o.now,
      this.#dropped,
      (message) => this.#setError('storage', `storage: ${message}`),
      (work) => lock.exclusive(work),
    );
    if (this.#storeClosed) {
      // shut down before storage answered
      store.close();
      return;
    }
    await this.#queue.refresh().catch((error) => this.#storageFailed(error));
    // Nothing queued yet may only mean that the last write of a tab just closed has not
    // committed: one look again after flushIntervalMs, which sends nothing if still nothing.
    this.#scheduleFlush(this.#queue.count > 0 ? 0 : this.#o.flushIntervalMs);
  }

  // The bus handler: the main-thread cost of every exported emit lives here, so it only
  // serialises the event and appends it to an in-memory buffer; storage writes are batched.
  readonly #onEvent = (name: string, measurements: Measurements, metadata: Metadata): void => {
    if (this.#closed !== undefined || this.#isExcluded(name)) return;
    let rate = 1;
    if (this.#control.filtering === true) {
      let decision: ExporterDropReason | number;
      try {
        decision = this.#control.decide(name, metadata);
      } catch {
        decision = 'invalid'; // a throwing getter or Proxy trap
      }
      if (typeof decision === 'string') {
        this.#controlDropped(decision);
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
    // A full buffer, and any emit while the page is ending, is written at the end of this task
    // (its microtask checkpoint), not inside the emit that filled it: still in this task, but
    // once for everything the task emits, and outside the app's own code.
    if (this.#writeAtOnce || this.#pending.length >= this.#o.writeBatchSize || this.#pendingBytes >= WRITE_MAX_CHARS) {
      if (!this.#writeQueued) {
        this.#writeQueued = true;
        queueMicrotask(this.#endOfTaskWrite);
      }
    } else if (this.#cancelWrite === undefined)
      this.#cancelWrite = this.#o.schedule(this.#afterWriteDelay, this.#o.writeDelayMs);
  };

  // Runs at the end of the emitting task (its microtask checkpoint), still inside an unload
  // listener when the page is ending: one committed write for what that task emitted.
  readonly #endOfTaskWrite = (): void => {
    this.#writeQueued = false;
    if (this.#unloading) this.#sendTail();
    else this.#persist();
  };

  // A switched-off (or deny-all) exporter queues nothing, so no flush would ever ask the
  // collector whether it is switched on again: while its control drops events, a flush every
  // flushIntervalMs asks anyway (an empty batch when nothing is queued).
  #controlDropped(reason: ExporterDropReason): void {
    countDrop(this.#dropped, reason);
    if (reason !== 'invalid' && this.#delivery.askControl()) this.#scheduleFlush(this.#o.flushIntervalMs);
  }

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

  // Writes the buffered events in one transaction, started now when storage is open (in the
  // caller's task: a page being unloaded runs no later one). Writes do not wait for each other.
  #persist(): Promise<void> {
    this.#cancelWrite?.();
    this.#cancelWrite = undefined;
    if (this.#pending.length === 0) return this.#writes;
    const records = this.#pending;
    const bytes = this.#pendingBytes;
    this.#pending = [];
    this.#pendingBytes = 0;
    this.#writing += records.length;
    this.#tail.remember(records, bytes);
    const append = (): Promise<void> =>
      (this.#queue as EventQueue).append(segmentsOf(records, bytes), this.#sourceJson);
    const errors = this.#errors;
    const started = this.#queue !== undefined && !this.#storeClosed ? append() : this.ready.then(append);
    const write = started
      .then(() => {
        // a write that went through without any error meanwhile: storage works again
        if (this.#errors === errors) this.#clearError('storage');
      })
      .catch((error) => {
        if (this.#storeClosed) {
          countDrop(this.#dropped, 'shutdown', records.length);
          return;
        }
        countDrop(this.#dropped, 'storage', records.length);
        this.#storageFailed(error);
      })
      .finally(() => {
        this.#writing -= records.length;
        this.#scheduleFlush(this.#o.flushIntervalMs);
      });
    this.#writes = Promise.all([this.#writes, write]).then(() => undefined);
    return this.#writes;
  }

  #setError(of: 'delivery' | 'storage' | 'fallback', message: string): void {
    this.#errors++;
    this.#lastError = message;
    this.#lastErrorOf = of;
  }

  #clearError(of: 'delivery' | 'storage'): void {
    if (this.#lastErrorOf === of) this.#lastError = undefined;
  }

  #storageFailed(error: unknown): void {
    this.#setError('storage', `storage: ${describeError(error, true)}`);
    logger().warn('The browser exporter failed to use its storage.', error);
  }

  // One flush timer at a time, at the earliest time asked for, never before a pending retry time.
  // A retry (`replace`) moves the timer to its own time: an earlier wake-up would only be skipped.
  #scheduleFlush(delayMs: number, replace = false): void {
    if (this.#closed !== undefined) return;
    const now = this.#o.now();
    const waitUntil = Math.max(now + delayMs, this.#delivery.retry.nextAttemptAt ?? 0);
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
    // after shutdown there is nothing left to flush: wait for the shutdown, quietly
    if (this.#closed !== undefined) return this.#closed;
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
    // counted from every flush attempt, so a tab that cannot get the lock still writes in batches
    this.#sinceFlush = 0;
    try {
      await this.#persist();
      await this.ready;
      const queue = this.#queue as EventQueue;
      if (this.#storeClosed) return;
      const flushed = await this.#lock.run(() => this.#drain(queue, keepalive));
      if (!flushed || queue.count > 0 || this.#delivery.askingControl) this.#scheduleFlush(this.#o.flushIntervalMs);
    } catch (error) {
      if (this.#storeClosed) return; // shut down meanwhile: nothing to report
      this.#setError('delivery', `flush: ${describeError(error, true)}`);
      logger().warn('A browser exporter flush failed.', error);
      this.#scheduleFlush(this.#o.flushIntervalMs);
    }
    reportDrops(this.#t, 'isotel.exporter.drop', this.#dropped, this.#reportedDrops);
  }

  async #drain(queue: EventQueue, keepalive: boolean): Promise<void> {
    await queue.refresh();
    const delivery = this.#delivery;
    let useKeepalive = keepalive;
    for (let request = 0; request < MAX_REQUESTS_PER_FLUSH; request++) {
      if (delivery.stopped || delivery.retry.waiting()) return;
      const taken = await delivery.take(queue, useKeepalive);
      try {
        if (taken.oversize.length > 0) {
          countDrop(this.#dropped, 'too_large', taken.oversize.length);
          await queue.acknowledge(taken.segmentIds, new Set(taken.oversize.map(recordId)));
        }
        // nothing to send: still ask for control while the control drops events
        if (taken.records.length === 0 && !delivery.askingControl) return;
        const acquired = delivery.retry.acquire();
        if (acquired !== true) {
          if (acquired.retryAt !== undefined) this.#scheduleFlush(acquired.retryAt - this.#o.now());
          return;
        }
        const result = await delivery.send(queue, taken, useKeepalive);
        if (result === 'keepalive_refused') useKeepalive = false;
        else if (result === 'stop') {
          this.#scheduleFlush((delivery.retry.nextAttemptAt ?? 0) - this.#o.now(), true);
          return;
        } else if (result === 'done' && (taken.records.length === 0 || queue.count === 0)) return;
      } finally {
        queue.release();
      }
    }
  }

  #applyRemoteControl(input: unknown): void {
    try {
      this.#control.use(parseControl(input));
    } catch (error) {
      logger().warn('The collector sent an invalid control; the previous one stays in force.', error);
    }
  }

  setControl(control: ControlInput): void {
    this.#control.use(parseControl(control));
  }

  #onOnline(): void {
    this.#delivery.retry.online();
    void this.#requestFlush(false);
  }

  // Hidden: the page may never run another task. What is buffered gets one committed write now
  // (in this listener's task); what the app emits from here on is written at the end of its task.
  #onHidden(): void {
    this.#writeAtOnce = true;
    this.#persist();
    void this.#requestFlush(true);
  }

  #onShown(): void {
    this.#unloading = false;
    this.#writeAtOnce = inWorker();
  }

  #onPagehide(): void {
    this.#writeAtOnce = true;
    this.#unloading = true;
    this.#sendTail();
  }

  // The end of the page, in its unload task: one committed write of everything buffered, then
  // this page's unacknowledged records from memory in one keepalive request (see
  // Delivery.sendTail), as many as fit. The rest waits in IndexedDB for the next visit; what
  // is sent both ways the collector dedupes by id.
  #sendTail(): void {
    this.#persist();
    const kept = this.#queue?.store.kind === 'memory' ? 'memory' : 'indexeddb';
    this.#delivery.sendTail(this.#tail.takeAll(), this.#sourceJson, kept);
  }

  async persisted(): Promise<void> {
    if (this.#closed !== undefined) return this.#closed;
    await this.ready;
    await this.#persist();
    if (this.#queue?.store.kind !== 'indexeddb') await this.flush();
  }

  stats(): ExporterStats {
    const queue = this.#queue;
    const stats: ExporterStats = {
      queued: (queue?.count ?? 0) + this.#pending.length + this.#writing,
      bytes: (queue?.bytes ?? 0) + this.#pendingBytes,
      inFlight: this.#delivery.inFlight,
      sent: this.#delivery.sent,
      delivered: this.#delivered.count,
      retried: this.#delivery.retried,
      dropped: { ...this.#dropped },
      breaker: this.#delivery.retry.breaker,
      storage: queue?.store.kind ?? (this.#o.storage === 'memory' ? 'memory' : 'indexeddb'),
    };
    const { nextAttemptAt } = this.#delivery.retry;
    const lastFlushAt = this.#delivery.lastRequestAt;
    return {
      ...stats,
      ...(this.#lastError === undefined ? {} : { lastError: this.#lastError }),
      ...(lastFlushAt === undefined ? {} : { lastFlushAt }),
      ...(nextAttemptAt === undefined ? {} : { nextAttemptAt }),
    };
  }

  shutdown(): Promise<void> {
    this.#closed ??= this.#close();
    return this.#closed;
  }

  // Bounded by shutdownTimeoutMs: past it, requests still in flight are aborted and storage is
  // closed whatever still runs (which then ends quietly).
  async #close(): Promise<void> {
    this.#setEnabled(false);
    this.#unregister();
    this.#lifecycle?.stop();
    this.#stopControl();
    this.#delivered.close();
    this.#cancelFlushTimer?.();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.#o.shutdownTimeoutMs);
    });
    await Promise.race([this.#lastFlush(), deadline]);
    clearTimeout(timer);
    this.#delivery.stop();
    this.#cancelFlushTimer?.();
    this.#storeClosed = true;
    const queue = this.#queue;
    if (queue === undefined) return;
    if (queue.store.kind === 'memory') countDrop(this.#dropped, 'shutdown', queue.count);
    queue.store.close();
  }

  // one last attempt, unless the server asked us to wait
  async #lastFlush(): Promise<void> {
    await this.#persist();
    await this.ready;
    await this.#flushChain;
    await this.#flushOnce(false);
  }
}

function inWorker(): boolean {
  return contextKind() === 'worker';
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
