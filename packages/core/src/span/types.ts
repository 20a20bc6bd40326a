import type { Measurements, Metadata } from '../bus/types.js';
import type { TelemetryContext } from '../context/context.js';

/**
 * A span in progress, as `span(prefix, metadata, fn)` passes it to `fn` and `startSpan` returns
 * it. Ending it emits `<prefix>.stop` (or `<prefix>.exception` through `fail`); ending twice is
 * a no-op. When nobody listens to the prefix, the handle is an inert shared no-op.
 *
 * `Ms` types the measurements a stop event may add to `{ duration, monotonicTime }`; a catalog
 * declares them with `spanEvents(prefix, { measurements })`.
 */
export interface Span<Ms extends Measurements = Measurements> {
  /** 16 hex characters; empty for the no-op span. */
  readonly spanId: string;
  /** The enclosing span's id, if any. */
  readonly parentSpanId: string | undefined;
  /** The correlation id of the scope it was started in (or given in its metadata). */
  readonly correlationId: string | undefined;
  /** True once `end` or `fail` ran (always true for the no-op span). */
  readonly ended: boolean;
  /** False for the no-op span handed out when nobody listens. */
  readonly recording: boolean;
  /** Adds metadata to the stop or exception event. Returns the span. */
  set(key: string, value: unknown): Span<Ms>;
  /**
   * Adds measurements to the stop event (`:telemetry.span`'s extra measurements), such as rows
   * read or bytes sent; a later value of a key replaces an earlier one. `duration` and
   * `monotonicTime` are the span's own and win. The exception event does not carry them.
   * Returns the span.
   * @example t.span('db.query', { table }, (s) => { const rows = run(); s.measure({ rows: rows.length }); return rows })
   */
  measure(measurements: Partial<Ms>): Span<Ms>;
  /**
   * Emits `<prefix>.stop` with `{ duration, monotonicTime }` and the measurements added by
   * `measure` and `measurements`, adding `extra` to the metadata.
   * @example const s = t.startSpan('upload'); stream.on('end', () => s.end({ status: 'ok' }, { bytes: sent }))
   */
  end(extra?: Metadata, measurements?: Partial<Ms>): void;
  /** Emits `<prefix>.exception` with `{ kind, error }` added to the metadata. */
  fail(error: unknown, extra?: Metadata): void;
  /** Runs `fn` with this span as the enclosing one (its `spanId` becomes the parent of inner spans). */
  run<R>(fn: () => R): R;
  /** Returns `fn` bound to this span's context, for callbacks and browser `await` continuations. */
  bind<F extends (...args: never[]) => unknown>(fn: F): F;
  /** This span's context (correlation id, span id, baggage). */
  readonly context: TelemetryContext | undefined;
}

/** `kind` of an exception event: an `Error` (or subclass) was thrown, or another value. */
export type SpanFailureKind = 'error' | 'throw';

/**
 * Runs the code inside a span (`span(...)`'s `fn`, a started span's `run`/`bind`) in a scope of
 * its own: a bridge to another tracing system makes its span for `spanId` current there. It must
 * call `run` once and return what it returns.
 */
export type SpanScope = <R>(spanId: string, run: () => R) => R;
