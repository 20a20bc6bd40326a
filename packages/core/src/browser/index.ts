// @isotel/core/browser: ship events from a browser to an isotel collector.

export type { BackoffOptions } from '../export/backoff.js';
export type { BreakerState, CircuitBreakerOptions } from '../export/circuit-breaker.js';
export type { ExporterDropReason, ExporterStats, ExporterStorage } from '../export/exporter-stats.js';
export type { EventBatch, EventRecord, IngestLimits, IngestResponse, RejectedEvent } from '../export/record.js';
export { type BrowserExporter, createBrowserExporter } from './browser-exporter.js';
export type { BrowserExporterOptions, ExporterSettings, Scheduler } from './exporter-options.js';
