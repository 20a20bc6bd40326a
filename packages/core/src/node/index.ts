// @isotel/core/node

// collector

// the wire shapes between the browser exporter and the collector
export type { EventBatch, EventRecord, IngestResponse, RejectedEvent } from '../export/record.js';
export { type Collector, type CollectorStats, createCollector } from './collector/collector.js';
export type { CollectorServer } from './collector/node-server.js';
export type {
  CollectorCatalog,
  CollectorOptions,
  ConnectionInfo,
  MetadataSanitizer,
  MetricsHandler,
  MinUploadRate,
  RateFigures,
  RateLimitOptions,
  StreamOptions,
} from './collector/options.js';
export type { StreamStats } from './collector/stream-hub.js';

// metrics reporters and runtime

export { loadConfigFile } from '../config/load-config-file.js';
export {
  type MetricsServer,
  type MetricsServerOptions,
  type PrometheusReporter,
  type PrometheusReporterOptions,
  prometheusReporter,
  sanitizeLabelName,
  sanitizeMetricName,
  serveMetrics,
  toNodeHandler,
  type WebHandler,
} from './prometheus/index.js';
export {
  eventLoopSource,
  gcSource,
  nodeMemorySource,
  nodeRuntimeSources,
  startNodeRuntimePoller,
} from './runtime/index.js';
export { type StatsdReporter, type StatsdReporterOptions, type StatsdStats, statsdReporter } from './statsd/index.js';
