import type { Telemetry } from '../bus/telemetry.js';
import type { Measurements, Metadata } from '../bus/types.js';
import { IsotelError } from '../errors/isotel-error.js';
import { logger } from '../log/logger.js';

/** Emits one `runtime.*` event; what push sources (observers) receive at start. */
export type RuntimeEmit = (name: string, measurements: Measurements, metadata?: Metadata) => void;

/**
 * One kind of runtime measurement. `poll` is read on every tick and emitted as `runtime.<name>`;
 * `start`/`stop` run observers that push their own `runtime.*` events (GC, long tasks).
 */
export interface RuntimeSource {
  readonly name: string;
  poll?(): Measurements | undefined;
  start?(emit: RuntimeEmit): void;
  stop?(): void;
}

/** Options of {@link startRuntimePoller}. */
export interface RuntimePollerOptions {
  /** The sources to read. */
  sources: readonly RuntimeSource[];
  /** Milliseconds between polls; `0` polls only on `poll()`. @default 10000 */
  intervalMs?: number;
}

/** A running poller. Stopped by `stop()` or at `t.shutdown()`, leaving no timer or observer behind. */
export interface RuntimePoller {
  /** Reads every polled source now. */
  poll(): void;
  stop(): void;
}

/**
 * Emits runtime measurements on an interval. The timer is unref'd, so it never keeps Node alive.
 *
 * @example startRuntimePoller(t, { sources: browserRuntimeSources(), intervalMs: 30_000 })
 */
export function startRuntimePoller(t: Telemetry, options: RuntimePollerOptions): RuntimePoller {
  const intervalMs = options.intervalMs ?? 10_000;
  if (!(Number.isFinite(intervalMs) && intervalMs >= 0)) {
    throw new IsotelError('invalid_argument', `intervalMs must be a non-negative number, got ${String(intervalMs)}.`);
  }
  const sources = [...options.sources];
  const emit: RuntimeEmit = (name, m, md) => t.emit(name, m, md);
  const poll = () => {
    for (const source of sources) {
      try {
        const m = source.poll?.();
        if (m !== undefined) t.emit(`runtime.${source.name}`, m);
      } catch (error) {
        logger().warn(`Runtime source "${source.name}" failed to poll.`, error);
      }
    }
  };
  for (const source of sources) {
    try {
      source.start?.(emit);
    } catch (error) {
      logger().warn(`Runtime source "${source.name}" failed to start.`, error);
    }
  }
  let timer: ReturnType<typeof setInterval> | undefined;
  if (intervalMs > 0) {
    timer = setInterval(poll, intervalMs);
    (timer as { unref?: () => void }).unref?.();
  }
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    unregister();
    if (timer !== undefined) clearInterval(timer);
    for (const source of sources) source.stop?.();
  };
  const unregister = t.onShutdown(stop, { source: true });
  return { poll, stop };
}
