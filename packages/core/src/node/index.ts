// @isotel/core/node
// collector
export { type Collector, type CollectorStats, createCollector } from './collector/collector.js';
export type { CollectorServer } from './collector/node-server.js';
export type {
  CatalogProblem,
  CollectorCatalog,
  CollectorOptions,
  ControlValidator,
  MetadataSanitizer,
  MetricsHandler,
  RateLimitOptions,
  StreamOptions,
} from './collector/options.js';
export type { StreamStats } from './collector/stream-hub.js';
