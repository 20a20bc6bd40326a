import type { Catalog } from '../catalog/define-catalog.js';
/** What is counted or timed in an event. */
export type Measurements = Record<string, number>;

/** Context of an event (ids, route, outcome). isotel never mutates it. */
export type Metadata = Record<string, unknown>;

/**
 * Receives events. Runs synchronously in the emitter's call, in attach order; a returned promise
 * that rejects counts as a failure of this handler.
 */
export type Handler<Config = unknown> = (
  name: string,
  measurements: Measurements,
  metadata: Metadata,
  config: Config,
) => unknown;

/** What a handler does when it throws or rejects. */
export type FailurePolicy = 'detach' | 'keep';

/** Options of `attach` / `attachMany`. */
export interface AttachOptions<Config = unknown> {
  /** Passed as the handler's fourth argument. @default undefined */
  config?: Config;
  /** `'detach'` removes the handler at its first failure, like `:telemetry`. @default 'detach' */
  onFailure?: FailurePolicy;
}

/** A snapshot of one attached handler, as `listHandlers` reports it. */
export interface HandlerInfo {
  readonly id: string;
  readonly patterns: readonly string[];
  readonly config: unknown;
  readonly onFailure: FailurePolicy;
  /** How many events it was called with. */
  readonly calls: number;
  /** How many of those calls threw or rejected. */
  readonly failures: number;
  /** The message of the last failure, if any. */
  readonly lastError?: string;
}

/** The lazy form of an emit: runs only when someone listens to the event. */
export type EventThunk = () => readonly [Measurements, Metadata?] | [Measurements, Metadata?];

/** Options of `createTelemetry`. */
export interface TelemetryOptions {
  /**
   * How many distinct event names keep a resolved dispatch list. Past it the oldest name is
   * evicted, so unbounded dynamic names cannot exhaust memory.
   * @default 10000
   */
  dispatchCacheSize?: number;
  /**
   * The events this instance emits, from `defineCatalog`. With one, `createTelemetry` returns a
   * `CatalogTelemetry` whose `emit`/`span` accept only catalogued names and keys.
   * @default undefined
   */
  catalog?: Catalog;
}

/** Counters an instance keeps about itself. */
export interface TelemetryStats {
  /** Attached handlers. */
  readonly handlers: number;
  /** Event names with a resolved dispatch list in the cache. */
  readonly cachedNames: number;
  /** Handler calls that threw or rejected. */
  readonly handlerFailures: number;
  /** Events not delivered, per reason (`invalid_name`, `thunk_failed`, ...). */
  readonly dropped: Readonly<Record<string, number>>;
  /** Spans started and not yet ended (or failed). */
  readonly openSpans: number;
}
