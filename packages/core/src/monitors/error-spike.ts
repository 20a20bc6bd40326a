import type { Telemetry } from '../bus/telemetry.js';
import type { Measurements, Metadata } from '../bus/types.js';
import { IsotelError } from '../errors/isotel-error.js';
import { type Clock, defaultClock } from './window-clock.js';

/** The event an error-spike detector emits, at most once per window. */
export const ERROR_SPIKE_EVENT = 'isotel.monitor.error_spike';

/** Options of {@link errorSpikeDetector}. */
export interface ErrorSpikeOptions {
  /** Exceptions in one window that make a spike. */
  threshold: number;
  /** Window length in milliseconds. @default 60000 */
  windowMs?: number;
  /** Which events count. @default '**.exception' */
  pattern?: string;
  /** @default performance.now */
  now?: Clock;
  /** Handler id. @default 'isotel.monitor.error_spike' */
  id?: string;
}

/** A running error-spike detector. */
export interface ErrorSpikeDetector {
  /** Alerts emitted so far. */
  readonly alerts: number;
  detach(): void;
}

/**
 * Emits `isotel.monitor.error_spike` `{ count, windowMs }` with `{ windowStart, event, error }`
 * when `threshold` matching events arrive within one fixed window; one alert per window.
 *
 * @example errorSpikeDetector(t, { threshold: 20, windowMs: 60_000 })
 */
export function errorSpikeDetector(t: Telemetry, options: ErrorSpikeOptions): ErrorSpikeDetector {
  const { threshold } = options;
  const windowMs = options.windowMs ?? 60_000;
  if (!Number.isInteger(threshold) || threshold < 1) {
    throw new IsotelError('invalid_argument', `threshold must be a positive integer, got ${String(threshold)}.`);
  }
  if (!(Number.isFinite(windowMs) && windowMs > 0)) {
    throw new IsotelError('invalid_argument', `windowMs must be a positive number, got ${String(windowMs)}.`);
  }
  const now = options.now ?? defaultClock;
  const id = options.id ?? 'isotel.monitor.error_spike';
  let windowStart = Number.NEGATIVE_INFINITY;
  let count = 0;
  let alerts = 0;

  const handle = (name: string, _m: Measurements, md: Metadata) => {
    const at = now();
    if (at >= windowStart + windowMs) {
      windowStart = Math.floor(at / windowMs) * windowMs;
      count = 0;
    }
    count++;
    if (count !== threshold) return;
    alerts++;
    const error = md.error instanceof Error ? md.error.message : md.error === undefined ? undefined : String(md.error);
    t.emit(ERROR_SPIKE_EVENT, { count, windowMs }, { windowStart, event: name, error });
  };
  t.attach(id, options.pattern ?? '**.exception', handle, { onFailure: 'keep' });
  const unregister = t.onShutdown(() => t.detach(id));
  return {
    get alerts() {
      return alerts;
    },
    detach() {
      unregister();
      t.detach(id);
    },
  };
}
