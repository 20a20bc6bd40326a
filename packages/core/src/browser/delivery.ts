import type { Telemetry } from '../bus/telemetry.js';
import { countDrop, type ExporterDropReason } from '../export/exporter-stats.js';
import type { IngestLimits, IngestResponse } from '../export/record.js';
import { rememberedLimits, rememberLimits } from './collector-limits.js';
import { type EventQueue, type TakenRecords, withSource } from './event-queue.js';
import type { ResolvedExporterOptions } from './exporter-options.js';
import { type RecordSource, recordId } from './record-encoder.js';
import { KEEPALIVE_BODY_BYTES, newestWithin } from './record-groups.js';
import { RetrySchedule } from './retry-schedule.js';
import { batchBody, postBatch, type SendOutcome, utf8Length } from './transport.js';

// Acknowledged records counted by source, the refused ones left out.
function deliveredBySource(taken: TakenRecords, rejected: IngestResponse['rejected']): Map<string, number> {
  const refused = new Set<number>();
  for (const r of rejected) if (typeof r.index === 'number') refused.add(r.index);
  const counts = new Map<string, number>();
  for (let i = 0; i < taken.records.length; i++) {
    if (refused.has(i)) continue;
    const source = taken.sources[i] as string;
    counts.set(source, (counts.get(source) ?? 0) + 1);
  }
  return counts;
}

/**
 * How one request ended for the flush loop: `done` (its events settled), `stop` (retry later, at
 * `retry.nextAttemptAt`), `again` (not settled, but worth another request now: the collector
 * refused the size with a 413 and the request was halved), `keepalive_refused` (a keepalive
 * request failed before reaching any server: send again without keepalive).
 */
export type SendResult = 'done' | 'stop' | 'again' | 'keepalive_refused';

/** What the exporter hears from its requests. */
export interface DeliveryHooks {
  /** The collector's answer carried a control. */
  control(input: unknown): void;
  /** A failure, for `stats().lastError`. */
  error(message: string): void;
  /** A request was answered: delivery works again. */
  recovered(): void;
  /** These records were acknowledged (sent, refused for good or too large). */
  settled(ids: ReadonlySet<string>): void;
  /** These many records of each source (whose events) reached the collector. */
  delivered(bySource: ReadonlyMap<string, number>): void;
}

/**
 * The exporter's side of the wire: sizes requests (to the collector's 413s and the page's
 * keepalive budget), posts them within `requestTimeoutMs`, reads the answers, counts what was
 * sent and dropped, and keeps the retry schedule. One request at a time, plus the pagehide send.
 */
export class Delivery {
  retry: RetrySchedule;
  #o: ResolvedExporterOptions;
  readonly #t: Telemetry;
  readonly #source: RecordSource;
  readonly #dropped: Partial<Record<ExporterDropReason, number>>;
  readonly #hooks: DeliveryHooks;
  readonly #envelopeBytes: number;
  // aborted at shutdown's deadline: requests in flight end, no new one starts
  readonly #abort = new AbortController();
  // request size: the options', lowered to the limits the collector advertises in its answers,
  // and halved after each 413 (a collector or proxy whose limits are below ours); see #resize
  #requestEvents: number;
  #requestBytes: number;
  #recordBytes: number;
  // the collector's advertised limits (remembered from an earlier page until it answers), and
  // the sizes a 413 from a server that advertised nothing halved requests to
  #advertised: IngestLimits | undefined;
  #halvedEvents = Number.POSITIVE_INFINITY;
  #halvedBytes = Number.POSITIVE_INFINITY;
  // keepalive body bytes in flight (flush requests and the pagehide send share the page's budget)
  #keepaliveBytes = 0;
  #sendingIds: ReadonlySet<string> | undefined;
  #askControl = false;
  #inFlight = 0;
  #sent = 0;
  #retried = 0;
  #lastRequestAt: number | undefined;

  constructor(
    options: ResolvedExporterOptions,
    telemetry: Telemetry,
    source: RecordSource,
    dropped: Partial<Record<ExporterDropReason, number>>,
    hooks: DeliveryHooks,
  ) {
    this.#o = options;
    this.#t = telemetry;
    this.#source = source;
    this.#dropped = dropped;
    this.#hooks = hooks;
    this.#envelopeBytes = utf8Length(this.#body([]));
    this.#requestEvents = options.maxBatchEvents;
    this.#requestBytes = options.maxBatchBytes;
    this.#recordBytes = options.maxBatchBytes;
    this.#advertised = rememberedLimits(options.endpoint);
    this.#resize();
    this.retry = new RetrySchedule(options.breaker, options.backoff, options.now, options.random);
  }

  /**
   * Sends to `options.endpoint` from the next request on (called between flushes, so no request
   * is in flight to the old one). A new endpoint starts afresh: the limits it advertised before
   * (remembered by this origin), a closed breaker, no backoff.
   */
  retarget(options: ResolvedExporterOptions): void {
    const moved = options.endpoint !== this.#o.endpoint;
    this.#o = options;
    if (!moved) return;
    this.#advertised = rememberedLimits(options.endpoint);
    this.#halvedEvents = Number.POSITIVE_INFINITY;
    this.#halvedBytes = Number.POSITIVE_INFINITY;
    this.#resize();
    this.retry = new RetrySchedule(options.breaker, options.backoff, options.now, options.random);
  }

  /** Events in the request not answered yet. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** Events the collector acknowledged. */
  get sent(): number {
    return this.#sent;
  }

  /** Requests that failed in a retryable way. */
  get retried(): number {
    return this.#retried;
  }

  /** Epoch ms of the last request. */
  get lastRequestAt(): number | undefined {
    return this.#lastRequestAt;
  }

  /** True once shutdown's deadline passed: nothing more is sent. */
  get stopped(): boolean {
    return this.#abort.signal.aborted;
  }

  /** True when the next request should go even without events, to learn the collector's control. */
  get askingControl(): boolean {
    return this.#askControl;
  }

  /** The exporter's control dropped events: ask for control at the next flush. Returns true the first time. */
  askControl(): boolean {
    if (this.#askControl) return false;
    this.#askControl = true;
    return true;
  }

  /** Aborts requests in flight and refuses new ones (shutdown's deadline). */
  stop(): void {
    this.#abort.abort();
  }

  /**
   * The oldest records for one request. Keepalive requests fit what is left of the page's
   * keepalive budget; records too big for it stay queued for a normal request.
   */
  take(queue: EventQueue, keepalive: boolean): Promise<TakenRecords> {
    const events = this.#requestEvents;
    let bytes = this.#requestBytes;
    if (keepalive) bytes = Math.min(bytes, KEEPALIVE_BODY_BYTES - this.#keepaliveBytes);
    // the envelope and a comma per record come out of the budget
    const room = bytes - this.#envelopeBytes - events;
    const maxRecordBytes = this.#recordBytes - this.#envelopeBytes;
    return queue.take(events, room, { maxRecordBytes, skipLarge: keepalive });
  }

  /** Sends taken records (none: a request for control only) and settles them by the answer. */
  async send(queue: EventQueue, taken: TakenRecords, keepalive: boolean): Promise<SendResult> {
    const { records, segmentIds } = taken;
    const ids = new Set(records.map(recordId));
    const keepaliveBytes = keepalive ? this.#envelopeBytes + taken.bytes + records.length : 0;
    this.#keepaliveBytes += keepaliveBytes;
    this.#inFlight = records.length;
    this.#sendingIds = ids;
    this.#lastRequestAt = this.#o.now();
    const started = performance.now();
    const outcome = await this.#post(this.#body(records), keepalive).finally(() => {
      this.#inFlight = 0;
      this.#sendingIds = undefined;
      this.#keepaliveBytes -= keepaliveBytes;
    });
    const duration = performance.now() - started;
    this.#t.emit('isotel.exporter.flush', { events: records.length, duration }, { outcome: outcome.kind });
    if (outcome.kind === 'retry') {
      // A keepalive request can fail without reaching the server (the page's keepalive budget is
      // shared): not the server's failure, so the same events go again without keepalive.
      if (keepalive && outcome.status === undefined && !this.stopped) {
        this.#hooks.error(`keepalive ${outcome.error}; sent again without keepalive`);
        return 'keepalive_refused';
      }
      this.#retried++;
      this.#hooks.error(outcome.error);
      this.retry.failed(outcome.retryAfterMs);
      return 'stop';
    }
    this.retry.succeeded();
    this.#askControl = false;
    this.#hooks.recovered();
    if (outcome.kind === 'refused') {
      this.#hooks.error(outcome.error);
      if (outcome.status === 413 && records.length > 1) {
        // halve what the collector refused: the event count, the size, or (unknown code) both
        if (outcome.code !== 'body_too_large') this.#halvedEvents = Math.ceil(records.length / 2);
        if (outcome.code !== 'too_many_events') {
          this.#halvedBytes = Math.ceil((this.#envelopeBytes + taken.bytes + records.length) / 2);
        }
        this.#resize();
        return 'again';
      }
      countDrop(this.#dropped, outcome.status === 413 ? 'too_large' : 'client_error', records.length);
    } else {
      const { response } = outcome;
      const rejected = Math.min(response.rejected.length, records.length);
      countDrop(this.#dropped, 'rejected', rejected);
      this.#sent += records.length - rejected;
      if (response.control !== undefined) this.#hooks.control(response.control);
      if (response.limits !== undefined) this.#applyLimits(response.limits);
      if (records.length > rejected) this.#hooks.delivered(deliveredBySource(taken, response.rejected));
    }
    if (ids.size > 0) {
      await queue.acknowledge(segmentIds, ids);
      this.#hooks.settled(ids);
    }
    return 'done';
  }

  // Never send what the collector would refuse: its limits, as last advertised, cap ours (and
  // the next pages of the origin start with them).
  #applyLimits(limits: IngestLimits): void {
    const known = this.#advertised;
    if (known?.maxEvents === limits.maxEvents && known.maxBytes === limits.maxBytes) return;
    this.#advertised = limits;
    rememberLimits(this.#o.endpoint, limits);
    this.#resize();
  }

  #resize(): void {
    const { maxBatchEvents, maxBatchBytes } = this.#o;
    const advertised = this.#advertised;
    this.#requestEvents = Math.min(maxBatchEvents, advertised?.maxEvents ?? maxBatchEvents, this.#halvedEvents);
    this.#requestBytes = Math.min(maxBatchBytes, advertised?.maxBytes ?? maxBatchBytes, this.#halvedBytes);
    this.#recordBytes = Math.min(maxBatchBytes, advertised?.maxBytes ?? maxBatchBytes);
  }

  /**
   * pagehide: sends the newest of these records (stored JSON without `source`, oldest first) in one keepalive
   * request within what is left of the keepalive budget, leaving out those of the request in
   * flight (they are on their way). `kept` says where the records also are: in IndexedDB they
   * wait for the next visit whatever this request does; in memory, those left out of it are lost
   * unless the page comes back from the back/forward cache. `lastError` says which.
   */
  sendTail(tail: readonly string[], source: string, kept: 'indexeddb' | 'memory'): void {
    const sending = this.#sendingIds;
    const pending = sending === undefined ? tail : tail.filter((json) => !sending.has(recordId(json)));
    if (pending.length === 0) return;
    const room = KEEPALIVE_BODY_BYTES - this.#keepaliveBytes - this.#envelopeBytes;
    // made whole (source members put back) only once chosen: the tail may hold thousands
    const records = newestWithin(pending, room, utf8Length(source)).map((json) => withSource(json, source));
    const left = pending.length - records.length;
    if (left > 0) {
      this.#hooks.error(
        kept === 'indexeddb'
          ? `pagehide: ${left} events did not fit the keepalive budget left; they are in IndexedDB for the next visit`
          : `pagehide: ${left} events did not fit the keepalive budget left; in memory only, they are lost unless this page is restored`,
      );
    }
    if (records.length === 0) return;
    const body = this.#body(records);
    const bytes = utf8Length(body);
    this.#keepaliveBytes += bytes;
    void this.#post(body, true).then((outcome) => {
      this.#keepaliveBytes -= bytes;
      if (outcome.kind === 'acknowledged') return;
      const where = kept === 'indexeddb' ? 'they are in IndexedDB for the next visit' : 'they stay queued in memory';
      this.#hooks.error(`pagehide keepalive: ${outcome.error}; ${where}`);
    });
  }

  #body(records: readonly string[]): string {
    return batchBody(this.#source.clientId, this.#source.sessionId, this.#o.resource, records);
  }

  #post(body: string, keepalive: boolean): Promise<SendOutcome> {
    const o = this.#o;
    const target = { url: o.endpoint, fetch: o.fetch, ...(o.token ? { token: o.token } : {}) };
    return postBatch(target, body, keepalive, o.now, { timeoutMs: o.requestTimeoutMs, signal: this.#abort.signal });
  }
}
