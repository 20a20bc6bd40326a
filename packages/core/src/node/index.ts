// @isotel/core/node: the collector, the config file loader and Node's runtime sources.
// Reporters that need an optional peer have their own subpaths, so this entry loads neither:
// `@isotel/core/prometheus` (prom-client) and `@isotel/core/statsd` (hot-shots).

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
export type {
  CollectorState,
  CollectorStore,
  StoreContext,
  StoreStats,
  StoreStatus,
} from './collector/store/collector-store.js';
export { memoryStore } from './collector/store/memory-store.js';
export { type RedisStoreOptions, redisStore } from './collector/store/redis-store.js';
export type { StreamStats } from './collector/stream-hub.js';

// configuration and runtime

export { loadConfigFile } from '../config/load-config-file.js';
export {
  eventLoopSource,
  gcSource,
  nodeMemorySource,
  nodeRuntimeMetrics,
  nodeRuntimeSources,
  startNodeRuntimePoller,
} from './runtime/index.js';
