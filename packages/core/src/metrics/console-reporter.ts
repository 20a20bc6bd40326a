import type { Telemetry } from '../bus/telemetry.js';
import { IsotelError } from '../errors/isotel-error.js';
import { type AggregatorOptions, createAggregator, type MetricSnapshot, type MetricsAggregator } from './aggregator.js';
import { type MetricDefinition, validateDefinitions } from './definitions.js';

/** Options of {@link consoleReporter}. */
export interface ConsoleReporterOptions extends AggregatorOptions {
  /** Where report lines go. @default console.info */
  write?: (line: string) => void;
  /** Milliseconds between reports; `0` reports only on `report()` and at shutdown. @default 10000 */
  intervalMs?: number;
}

/** A console reporter: an aggregator plus a periodic writer. */
export interface ConsoleReporter {
  readonly aggregator: MetricsAggregator;
  /** Writes the current snapshot now. */
  report(): void;
  /** Stops the timer, writes a last report and detaches. Also runs at `t.shutdown()`. */
  stop(): void;
}

/**
 * Writes aggregated metrics for development, one line per series.
 *
 * @example consoleReporter(t, [counter('http.request.stop.duration', { tags: ['route'] })], { intervalMs: 5000 })
 */
export function consoleReporter(
  t: Telemetry,
  definitions: readonly MetricDefinition[],
  options: ConsoleReporterOptions = {},
): ConsoleReporter {
  validateDefinitions(definitions);
  if (typeof options !== 'object' || options === null) {
    throw new IsotelError('invalid_argument', `consoleReporter options must be an object, got ${String(options)}.`);
  }
  const intervalMs = options.intervalMs ?? 10_000;
  if (!(Number.isFinite(intervalMs) && intervalMs >= 0)) {
    throw new IsotelError('invalid_argument', `intervalMs must be a non-negative number, got ${String(intervalMs)}.`);
  }
  if (options.write !== undefined && typeof options.write !== 'function') {
    throw new IsotelError('invalid_argument', 'consoleReporter write must be a function.');
  }
  const write = options.write ?? ((line: string) => globalThis.console?.info(line));
  const aggregator = createAggregator(t, definitions, { id: 'isotel.console', ...options });
  const report = () => {
    for (const line of formatSnapshot(aggregator.snapshot())) write(line);
  };
  let timer: ReturnType<typeof setInterval> | undefined;
  if (intervalMs > 0) {
    timer = setInterval(report, intervalMs);
    (timer as { unref?: () => void }).unref?.();
  }
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    if (timer !== undefined) clearInterval(timer);
    unregister();
    report();
    aggregator.detach();
  };
  const unregister = t.onShutdown(stop);
  return { aggregator, report, stop };
}

/**
 * Formats a snapshot as `name{tag="v"} type value` lines: values to 12 significant digits (so a
 * converted value reads as every other reporter receives it), quantiles to 3 (they are estimates).
 * @example formatSnapshot(aggregator.snapshot()).forEach((line) => console.info(line))
 */
export function formatSnapshot(metrics: readonly MetricSnapshot[]): string[] {
  const lines: string[] = [];
  for (const metric of metrics) {
    const unit = metric.unit === undefined ? '' : ` ${metric.unit}`;
    for (const s of metric.series) {
      const tags = Object.entries(s.tags)
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(',');
      const id = tags.length === 0 ? metric.name : `${metric.name}{${tags}}`;
      let value: string;
      if (metric.type === 'counter') value = `count=${round(s.count)}`;
      else if (metric.type === 'sum') value = `sum=${round(s.sum)}${unit}`;
      else if (metric.type === 'lastValue') value = `value=${round(s.last)}${unit}`;
      else {
        const qs = Object.entries(s.quantiles ?? {}).map(([q, v]) => `p${Number(q) * 100}=${approximate(v)}`);
        value = `count=${s.count} min=${round(s.min)} max=${round(s.max)} ${qs.join(' ')}${unit}`;
      }
      lines.push(`${id} ${metric.type} ${value}`);
    }
  }
  return lines;
}

// 12 significant digits: exact for the values a unit conversion gives (1e-9, 1234567000), without
// the last-bit noise of float sums (0.1 + 0.2 prints 0.3)
function round(n: number): number {
  return Number(n.toPrecision(12));
}

// a quantile is the sketch's estimate, within its relative accuracy (1 % by default): 3 digits say so
function approximate(n: number): number {
  return Number(n.toPrecision(3));
}
