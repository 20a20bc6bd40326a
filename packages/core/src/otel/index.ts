// @isotel/core/otel: isotel events as OpenTelemetry spans, metrics and log records (@opentelemetry/api,
// @opentelemetry/api-logs), and OTLP export following a configuration (the SDK, loaded on first use).
export { bridgeLogs, type LogBridge, type LogBridgeOptions } from './log-bridge.js';
export { bridgeMetrics, type MetricBridge, type MetricBridgeOptions } from './metric-bridge.js';
export { applyOtlpConfig, type OtlpConfigOptions, type OtlpExport, type OtlpStatus } from './otlp-config.js';
export { bridgeSpans, type SpanBridge, type SpanBridgeOptions, type SpanBridgeStats } from './span-bridge.js';
export type { OtlpSignalStatus } from './switching-export.js';
