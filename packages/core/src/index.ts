// @isotel/core: the API an application or a library writes against: the bus, spans, context,
// control, the catalog and errors. Browser-safe: no node:* imports, no DOM access at import time.
// Every function works before any setup (the default instance is created on first use), and with
// nothing attached an emit is a property check. Heavier parts have subpaths named for them:
// `/metrics` (definitions, aggregation, the console reporter), `/config`, `/monitors`, `/runtime`
// (browser runtime sources), `/browser`, `/node`, `/prometheus`, `/statsd`, `/redis`, `/otel`,
// `/testing` and `/playwright`. public-api.test.ts pins this list: a new name is a decision.

// the bus

export {
  attach,
  attachMany,
  bind,
  detach,
  emit,
  getCorrelationId,
  hasHandlers,
  listHandlers,
  span,
  startSpan,
  withContext,
} from './bus/default-api.js';
export { getDefaultTelemetry } from './bus/default-instance.js';
export { matches } from './bus/pattern.js';
export { createTelemetry, Telemetry, type TelemetryOptions, type TelemetryStats } from './bus/telemetry.js';
export type { AttachOptions, FailurePolicy, Handler, HandlerInfo, Measurements, Metadata } from './bus/types.js';

// spans and context

export {
  type ContextManager,
  getContextManager,
  setContextManager,
  type TelemetryContext,
} from './context/context.js';
export { StackContextManager } from './context/stack-context-manager.js';
export { type ContextValues, getContext } from './context/with-context.js';
export { uuidv7 } from './id/uuidv7.js';
export type { Span } from './span/types.js';

// control, catalog, sanitising

export type { CatalogEvents, CatalogTelemetry } from './catalog/catalog-telemetry.js';
export { type Catalog, defineCatalog } from './catalog/define-catalog.js';
export type { CatalogSpec, SpanMetadataOf, SpanPrefixOf } from './catalog/schema.js';
export { type SpanEventSpec, type SpanEventSpecs, spanEvents } from './catalog/span-events.js';
export type { ControlDecision, DropReason } from './control/control-engine.js';
export { type ControlInput, type ControlState, parseControl, type SampleRule } from './control/control-state.js';
export { type ControlChangeListener, TelemetryControl } from './control/telemetry-control.js';
export type { SanitizeLimits } from './sanitize/limits.js';
export { type SafeMetadata, sanitizeMetadata } from './sanitize/sanitize-metadata.js';

// errors and diagnostics

export { IsotelError, type IsotelErrorCode, isIsotelError } from './errors/isotel-error.js';
export { type Logger, setLogger } from './log/logger.js';
export { VERSION } from './version.js';
