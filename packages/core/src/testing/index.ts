// @isotel/core/testing: helpers for testing instrumentation.
export { type CapturedEvent, captureEvents, type EventCapture, type WaitForOptions } from './capture-events.js';
export { createMemoryExporter, type MemoryExporter, type MemoryExporterOptions } from './memory-exporter.js';
export { createTestReporter, type RecordedMetricValue, type TestReporter } from './test-reporter.js';
