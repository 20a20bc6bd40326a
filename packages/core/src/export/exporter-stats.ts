import type { Telemetry } from '../bus/telemetry.js';
import type { DropReason } from '../control/control-engine.js';
import type { BreakerState } from './circuit-breaker.js';

/**
 * Why an exporter gave up on events. Stable strings, safe to chart:
 * - `max_events`, `max_bytes`, `max_age`: the queue's bounds evicted the oldest
 * - `quota`: storage refused a write (evicted oldest to make room, or the write itself)
 * - `storage`: storage failed otherwise (closed database, I/O error)
 * - `client_error`: the collector answered 4xx (not 408/429), so resending cannot help
 * - `rejected`: the collector accepted the batch but refused these events
 * - `too_large`: one event is bigger than a request may be (`maxBatchBytes`), or the collector
 *   refused it alone with a 413
 * - `invalid`: the event could not be serialised
 * - `disabled`, `denied`, `not_allowed`, `sampled_out`: the exporter's control kept them out (the
 *   control's {@link DropReason}, the same strings as the bus's `stats().dropped`)
 * - `shutdown`: still queued in memory when the exporter shut down without storage (or buffered
 *   events that reached storage only after it was closed)
 */
export type ExporterDropReason =
  | DropReason
  | 'max_events'
  | 'max_bytes'
  | 'max_age'
  | 'quota'
  | 'storage'
  | 'client_error'
  | 'rejected'
  | 'too_large'
  | 'invalid'
  | 'shutdown';

/** Where an exporter keeps what it has not shipped yet. */
export type ExporterStorage = 'indexeddb' | 'memory';

/** A snapshot of an exporter's health, as `exporter.stats()` returns it. */
export interface ExporterStats {
  /** Events waiting to be shipped (in memory and in storage). */
  readonly queued: number;
  /** Serialised size of the queued events, in UTF-16 code units of their JSON (≈ bytes for ASCII). */
  readonly bytes: number;
  /** Events in requests that have not been answered yet. */
  readonly inFlight: number;
  /** Events this exporter's own requests got acknowledged (accepted or already had), whoever emitted them. */
  readonly sent: number;
  /**
   * This exporter's own events the collector acknowledged, whichever tab or worker sharing its
   * queue sent them (they tell each other over a `BroadcastChannel`). Events sent only by the
   * keepalive request of a page that ended are not counted: no answer is read for them.
   */
  readonly delivered?: number;
  /** Requests that failed in a way worth retrying, and were scheduled again. */
  readonly retried: number;
  /** Events given up on, per reason. */
  readonly dropped: Readonly<Partial<Record<ExporterDropReason, number>>>;
  /** The last failure, for humans. */
  readonly lastError?: string;
  /** The circuit breaker around the endpoint. */
  readonly breaker: BreakerState;
  readonly storage: ExporterStorage;
  /** Epoch ms of the last flush attempt that reached the network. */
  readonly lastFlushAt?: number;
  /** Epoch ms before which no flush is attempted (backoff or `Retry-After`). */
  readonly nextAttemptAt?: number;
}

/** Adds `count` to one reason of a drop tally. */
export function countDrop(
  tally: Partial<Record<ExporterDropReason, number>>,
  reason: ExporterDropReason,
  count = 1,
): void {
  if (count > 0) tally[reason] = (tally[reason] ?? 0) + count;
}

/**
 * Reports drops on the bus: one `eventName` event (`{ count }`, `{ reason }`) per reason with the
 * count since the last report. Drops are counted where they happen (some on every emit, e.g.
 * sampling) and reported once per flush; `reported` keeps the totals already reported.
 */
export function reportDrops(
  telemetry: Telemetry,
  eventName: string,
  tally: Readonly<Partial<Record<ExporterDropReason, number>>>,
  reported: Partial<Record<ExporterDropReason, number>>,
): void {
  for (const reason in tally) {
    const total = tally[reason as ExporterDropReason] as number;
    const count = total - (reported[reason as ExporterDropReason] ?? 0);
    if (count <= 0) continue;
    reported[reason as ExporterDropReason] = total;
    telemetry.emit(eventName, { count }, { reason });
  }
}
