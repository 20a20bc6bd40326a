import type { Measurements, Metadata } from '../bus/types.js';

/** The longest id a record may carry (`id`, `correlationId`, `spanId`, `parentSpanId`), in characters. */
export const MAX_RECORD_ID_LENGTH = 128;

/**
 * One event as exporters ship it and the collector receives it. `id` is a client-made UUIDv7,
 * so a batch sent twice is stored once.
 */
export interface EventRecord {
  /** UUIDv7 made where the event was emitted. */
  readonly id: string;
  readonly name: string;
  /** Epoch milliseconds when it was emitted. */
  readonly time: number;
  readonly measurements: Measurements;
  readonly metadata: Metadata;
  readonly correlationId?: string;
  readonly spanId?: string;
  readonly parentSpanId?: string;
  /** Present when the event was kept by sampling at a rate below 1. */
  readonly sampleRate?: number;
  /** Stable per browser profile (or process). */
  readonly clientId?: string;
  /** New per page load (or process start). */
  readonly sessionId?: string;
}

/** The body of `POST /v1/events`. */
export interface EventBatch {
  readonly clientId: string;
  readonly sessionId?: string;
  /** Instance-wide metadata added by the exporter (`service`, `version`, ...). */
  readonly resource?: Metadata;
  readonly events: readonly EventRecord[];
}

/** Why the collector refused one event of a batch. */
export interface RejectedEvent {
  readonly index: number;
  readonly id?: string;
  /** Stable code: `invalid_record`, `invalid_name`, `unknown_event`, `invalid_measurements`, ... */
  readonly code: string;
  readonly message: string;
}

/**
 * What one batch may hold at most on a collector, as it tells its clients: a batch over either
 * is refused with a 413 (`too_many_events`, `body_too_large`).
 */
export interface IngestLimits {
  /** Events per batch. */
  readonly maxEvents: number;
  /** Bytes of the request body. */
  readonly maxBytes: number;
}

/**
 * The answer to `POST /v1/events`. `control` is the control the client should apply now; the
 * collector sends it once one was set for this client or globally, so a client keeps its own
 * control while the answers carry none.
 */
export interface IngestResponse {
  readonly accepted: number;
  readonly duplicates: number;
  readonly rejected: readonly RejectedEvent[];
  readonly control?: unknown;
  /** The collector's per-batch limits, so exporters never send a batch it would refuse. */
  readonly limits?: IngestLimits;
}
