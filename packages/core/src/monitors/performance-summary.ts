import type { Telemetry } from '../bus/telemetry.js';
import type { Measurements, Metadata } from '../bus/types.js';
import { IsotelError } from '../errors/isotel-error.js';
import { QuantileSketch } from '../metrics/quantile-sketch.js';
import { type Clock, defaultClock, startTimer } from './window-clock.js';

/** The event a performance summary emits, once per operation per window. */
export const PERFORMANCE_SUMMARY_EVENT = 'isotel.monitor.performance';

/** Options of {@link performanceSummary}. */
export interface PerformanceSummaryOptions {
  /** Span prefixes (patterns) to summarise. @default ['**'] */
  prefixes?: readonly string[];
  /** Window length in milliseconds. @default 60000 */
  windowMs?: number;
  /** The clock windows are cut on. @default performance.now */
  now?: Clock;
  /** How often idle windows are closed; `0` closes them only when events arrive or on `flush()`. @default windowMs */
  intervalMs?: number;
  /** Handler id. @default 'isotel.monitor.performance' */
  id?: string;
  /**
   * Also summarise spans a collector re-emitted from clients (`remote: true`). Off by default: the
   * summary is the server's own health, which a client must not be able to move.
   * @default false
   */
  includeRemote?: boolean;
}

/** A running performance summary. */
export interface PerformanceSummary {
  /** Emits the current window's summaries now and starts a new window. */
  flush(): void;
  detach(): void;
}

interface Operation {
  count: number;
  errors: number;
  sum: number;
  max: number;
  sketch: QuantileSketch;
}

/**
 * Summarises span durations per operation over fixed windows and emits
 * `isotel.monitor.performance` `{ count, errors, avg, max, p50, p95, p99, errorRate }` with
 * metadata `{ operation, windowStart, windowMs }` when a window closes. Quantiles are within 1%
 * (QuantileSketch). `isotelMetrics()` turns these into the metrics the ops dashboard reads. Spans
 * re-emitted from clients (`remote: true`) are left out unless `includeRemote` is set.
 *
 * @example performanceSummary(t, { prefixes: ['checkout.**'], windowMs: 10_000 })
 */
export function performanceSummary(t: Telemetry, options: PerformanceSummaryOptions = {}): PerformanceSummary {
  const windowMs = options.windowMs ?? 60_000;
  if (!(Number.isFinite(windowMs) && windowMs > 0)) {
    throw new IsotelError('invalid_argument', `windowMs must be a positive number, got ${String(windowMs)}.`);
  }
  const now = options.now ?? defaultClock;
  const id = options.id ?? 'isotel.monitor.performance';
  let windowStart = Math.floor(now() / windowMs) * windowMs;
  let operations = new Map<string, Operation>();

  const flush = () => {
    const closed = operations;
    const start = windowStart;
    operations = new Map();
    windowStart = Math.floor(now() / windowMs) * windowMs;
    for (const [operation, op] of closed) {
      t.emit(
        PERFORMANCE_SUMMARY_EVENT,
        {
          count: op.count,
          errors: op.errors,
          avg: op.sum / op.count,
          max: op.max,
          p50: Math.min(op.max, op.sketch.getValueAtQuantile(0.5)),
          p95: Math.min(op.max, op.sketch.getValueAtQuantile(0.95)),
          p99: Math.min(op.max, op.sketch.getValueAtQuantile(0.99)),
          errorRate: op.errors / op.count,
        },
        { operation, windowStart: start, windowMs },
      );
    }
  };
  const rollIfDue = () => {
    if (now() >= windowStart + windowMs) flush();
  };

  const includeRemote = options.includeRemote === true;
  const handle = (name: string, m: Measurements, metadata: Metadata) => {
    if (metadata.remote === true && !includeRemote) return;
    rollIfDue();
    const duration = m.duration;
    if (typeof duration !== 'number' || !Number.isFinite(duration) || duration < 0) return;
    const dot = name.lastIndexOf('.');
    const operation = name.slice(0, dot);
    let op = operations.get(operation);
    if (op === undefined) {
      op = { count: 0, errors: 0, sum: 0, max: 0, sketch: new QuantileSketch({ relativeAccuracy: 0.01 }) };
      operations.set(operation, op);
    }
    op.count++;
    op.sum += duration;
    if (duration > op.max) op.max = duration;
    op.sketch.accept(duration);
    if (name.endsWith('.exception')) op.errors++;
  };

  const patterns = (options.prefixes ?? ['**']).flatMap((p) => [`${p}.stop`, `${p}.exception`]);
  t.attachMany(id, patterns, handle, { onFailure: 'keep' });
  const stopTimer = startTimer(options.intervalMs ?? windowMs, rollIfDue);
  let detached = false;
  const detach = () => {
    if (detached) return;
    detached = true;
    stopTimer();
    unregister();
    t.detach(id);
  };
  const unregister = t.onShutdown(detach);
  return { flush, detach };
}
