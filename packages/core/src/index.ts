// @isotel/core: the browser-safe root entry. No node:* imports, no DOM access at import time.

// bus

export {
  attach,
  attachMany,
  bind,
  detach,
  emit,
  emitCounter,
  emitGauge,
  emitTimer,
  getCorrelationId,
  hasHandlers,
  listHandlers,
  span,
  startSpan,
  stats,
  withContext,
} from './bus/default-api.js';
export { getDefaultTelemetry } from './bus/default-instance.js';
export { isValidName, matches } from './bus/pattern.js';
export {
  CONTROL_CHANGE_EVENT,
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

// spans and context

export {
  type ContextManager,
  getContextManager,
  setContextManager,
  type TelemetryContext,
} from './context/context.js';
export { StackContextManager } from './context/stack-context-manager.js';
export { type ContextValues, getContext } from './context/with-context.js';
export { IsotelError, type IsotelErrorCode, isIsotelError } from './errors/isotel-error.js';
export { uuidv7 } from './id/uuidv7.js';
export { type Logger, setLogger } from './log/logger.js';
export { nextSpanId } from './span/span-id.js';
export type { Span, SpanFailureKind } from './span/types.js';
export { VERSION } from './version.js';

// control, catalog, sanitising

export type { CatalogEvents, CatalogTelemetry } from './catalog/catalog-telemetry.js';
export {
  type Catalog,
  type CatalogValidation,
  type CatalogViolation,
  defineCatalog,
  type ValidEvent,
} from './catalog/define-catalog.js';
export { LIBRARY_EVENTS } from './catalog/library-events.js';
export type {
  CatalogSpec,
  EventMap,
  EventShape,
  EventSpec,
  EventsOf,
  FieldSpec,
  FieldType,
  MeasurementSpec,
  MeasurementsOf,
  MetadataOf,
  SpanMetadataOf,
  SpanPrefixOf,
} from './catalog/schema.js';
export {
  type SpanEventSpec,
  type SpanEventSpecs,
  type SpanEventsOptions,
  spanEvents,
} from './catalog/span-events.js';
export {
  type ControlInput,
  type ControlState,
  DEFAULT_CONTROL,
  MIN_SAMPLE_RATE,
  parseControl,
  type SampleRule,
} from './control/control-state.js';
export type { DropReason } from './control/sample-decisions.js';
export { sampleHash } from './control/sample-hash.js';
export { type ControlEvents, TelemetryControl } from './control/telemetry-control.js';
export { DEFAULT_SANITIZE_LIMITS, type SanitizeLimits } from './sanitize/limits.js';
export { type SafeMetadata, type SafeValue, sanitizeMetadata } from './sanitize/sanitize-metadata.js';

// metrics and aggregation

export {
  type AppliedReporters,
  applyExporterConfig,
  applyReporterConfig,
  CONFIG_CHANGE_EVENT,
  Config,
  type ConfigChanges,
  type ConfigFileFormat,
  type ConfigListener,
  type ConfigPath,
  type ConfigScalar,
  type ConfiguredReporters,
  type ConfigValue,
  envName,
  type IsotelConfig,
  type IsotelConfigInput,
  type LoadConfigOptions,
  loadConfig,
  type MetricsServerSettings,
  type PrometheusSettings,
  type StatsdSettings,
} from './config/index.js';
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
  isotelMetrics,
  lastValue,
  type MeasurementFn,
  type MetricDefinition,
  type MetricOptions,
  type MetricSeries,
  type MetricSink,
  type MetricSnapshot,
  type MetricsAggregator,
  type MetricsBinding,
  type MetricsStats,
  type MetricType,
  OVERFLOW_TAG_VALUE,
  type ReporterOptions,
  type SeriesSnapshot,
  type SinkResult,
  sum,
  summary,
  type TimeUnit,
  type Unit,
  type UnitRatio,
} from './metrics/index.js';
export {
  type Clock,
  ERROR_SPIKE_EVENT,
  type ErrorSpikeDetector,
  type ErrorSpikeOptions,
  errorSpikeDetector,
  PERFORMANCE_SUMMARY_EVENT,
  type PerformanceSummary,
  type PerformanceSummaryOptions,
  performanceSummary,
  type UsageCounter,
  type UsageCounterOptions,
  usageCounter,
} from './monitors/index.js';
export {
  browserMemorySource,
  browserRuntimeSources,
  globalErrorSource,
  longTaskSource,
  type RuntimeEmit,
  type RuntimePoller,
  type RuntimePollerOptions,
  type RuntimeSource,
  startRuntimePoller,
} from './runtime/index.js';
