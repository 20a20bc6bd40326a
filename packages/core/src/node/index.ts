// @isotel/core/node: the collector, the config file loader and Node's runtime sources.
// Parts that need an optional peer have their own subpaths, so this entry loads none of them:
// `@isotel/core/prometheus` (prom-client), `@isotel/core/statsd` (hot-shots) and
// `@isotel/core/redis` (redis: the collector's shared store).

// collector

// the shapes of the collector's stream and admin answers (with their parsers: `@isotel/core/wire`)
export type { CollectorStats, StreamStats } from '../export/collector-wire.js';
// the wire shapes between the browser exporter and the collector
export type { EventBatch, EventRecord, IngestResponse, RejectedEvent } from '../export/record.js';
export { type Collector, createCollector } from './collector/collector.js';
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
export type {
  CollectorState,
  CollectorStore,
  StoreContext,
  StoreStats,
  StoreStatus,
} from './collector/store/collector-store.js';
export { memoryStore } from './collector/store/memory-store.js';

// configuration and runtime

export { type ExporterStatus, readStatus, type StatusSource } from '../config/exporter-status.js';
export { loadConfigFile, reloadConfigFile } from '../config/load-config-file.js';
export {
  eventLoopSource,
  gcSource,
  nodeMemorySource,
  nodeRuntimeMetrics,
  nodeRuntimeSources,
  startNodeRuntimePoller,
} from './runtime/index.js';
