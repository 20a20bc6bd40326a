// @isotel/core: the browser-safe root entry. No node:* imports, no DOM access at import time.

// bus
export {
  attach,
  attachMany,
  detach,
  emit,
  emitCounter,
  emitGauge,
  emitTimer,
  hasHandlers,
  listHandlers,
  stats,
} from './bus/default-api.js';
export { getDefaultTelemetry } from './bus/default-instance.js';
export { isValidName, matches } from './bus/pattern.js';
export {
  createTelemetry,
  HANDLER_FAILURE_EVENT,
  Telemetry,
  type TelemetryOptions,
  type TelemetryStats,
} from './bus/telemetry.js';
export type {
  AttachOptions,
  EventThunk,
  FailurePolicy,
  Handler,
  HandlerInfo,
  Measurements,
  Metadata,
} from './bus/types.js';
export { IsotelError, type IsotelErrorCode, isIsotelError } from './errors/isotel-error.js';
export { uuidv7 } from './id/uuidv7.js';
export { type Logger, setLogger } from './log/logger.js';
export { VERSION } from './version.js';

// spans and context (issue: spans/context/control)

// control, catalog, sanitising

// metrics and aggregation
export {
  type AggregatorOptions,
  attachMetrics,
  type ByteUnit,
  type ConsoleReporter,
  type ConsoleReporterOptions,
  consoleReporter,
  counter,
  createAggregator,
  DEFAULT_MAX_SERIES,
  distribution,
  formatSnapshot,
  lastValue,
  type MeasurementFn,
  type MetricDefinition,
  type MetricOptions,
  type MetricSink,
  type MetricSnapshot,
  type MetricsAggregator,
  type MetricsBinding,
  type MetricsStats,
  type MetricType,
  OVERFLOW_TAG_VALUE,
  type ReporterOptions,
  type SeriesSnapshot,
  sum,
  summary,
  type TimeUnit,
  type Unit,
} from './metrics/index.js';
