// @isotel/react: provider and hooks over @isotel/core's public API.
export {
  CorrelationScope,
  type CorrelationScopeHandle,
  type CorrelationScopeProps,
  useCorrelationId,
  useCorrelationScope,
} from './correlation/correlation-scope.js';
export { useEmit } from './emit/use-emit.js';
export {
  type ErrorFallbackProps,
  REACT_ERROR_EVENT,
  TelemetryErrorBoundary,
  type TelemetryErrorBoundaryProps,
} from './error-boundary/telemetry-error-boundary.js';
export {
  type EventListFlush,
  type TelemetryEvent,
  type TelemetryEventList,
  type UseTelemetryEventsOptions,
  useTelemetryEvents,
} from './events/use-telemetry-events.js';
export { type UseTelemetryHandlerOptions, useTelemetryHandler } from './handler/use-telemetry-handler.js';
export { REACT_RENDER_EVENT, TelemetryProfiler, type TelemetryProfilerProps } from './profiler/telemetry-profiler.js';
export { TelemetryProvider, type TelemetryProviderProps, useTelemetry } from './provider.js';
export { useMountSpan } from './span/use-mount-span.js';
export {
  type MountSpanHandle,
  type SpanMetadataFor,
  type SpanParamsFor,
  type SpanPrefixFor,
  type TelemetrySpanHandle,
  type UseSpanOptions,
  useTelemetrySpan,
} from './span/use-telemetry-span.js';
