// @isotel/core/otel: isotel events as OpenTelemetry spans and metrics (@opentelemetry/api).
export { bridgeMetrics, type MetricBridge, type MetricBridgeOptions } from './metric-bridge.js';
export { bridgeSpans, type SpanBridge, type SpanBridgeOptions, type SpanBridgeStats } from './span-bridge.js';
