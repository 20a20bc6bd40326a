// @isotel/core/metrics: metric definitions as data (Elixir's Telemetry.Metrics), the shared layer
// that turns events into metric values for reporters, the in-memory aggregator, the console
// reporter and isotel's own metrics. Browser-safe. The Prometheus, StatsD and OpenTelemetry
// reporters are `@isotel/core/prometheus`, `/statsd` and `/otel`.
export {
  type AggregatorOptions,
  createAggregator,
  type MetricSnapshot,
  type MetricsAggregator,
  type SeriesSnapshot,
} from './aggregator.js';
export {
  attachMetrics,
  type MetricSeries,
  type MetricSink,
  type MetricsBinding,
  type MetricsStats,
  type SinkResult,
} from './attach-metrics.js';
export { type ConsoleReporter, type ConsoleReporterOptions, consoleReporter } from './console-reporter.js';
export {
  counter,
  distribution,
  lastValue,
  type MeasurementFn,
  type MetricDefinition,
  type MetricOptions,
  type MetricType,
  type ReporterOptions,
  sum,
  summary,
} from './definitions.js';
export { isotelMetrics } from './own-metrics.js';
export type { ByteUnit, TimeUnit, Unit } from './units.js';
