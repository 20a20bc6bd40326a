// Metric definitions as data, the shared handler layer and the in-memory reporters.
export {
  type AggregatorOptions,
  createAggregator,
  type MetricSnapshot,
  type MetricsAggregator,
  type SeriesSnapshot,
} from './aggregator.js';
export {
  type AttachedMetrics,
  attachMetrics,
  DEFAULT_MAX_SERIES,
  MAX_TAG_LENGTH,
  type MetricSeries,
  type MetricSink,
  type MetricsBinding,
  type MetricsStats,
  OVERFLOW_TAG_VALUE,
  type SinkResult,
} from './attach-metrics.js';
export {
  type ConsoleReporter,
  type ConsoleReporterOptions,
  consoleReporter,
  formatSnapshot,
} from './console-reporter.js';
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
export { type ByteUnit, isTimeUnit, resolveUnit, type TimeUnit, type Unit, type UnitRatio } from './units.js';
