export { nodeRuntimeMetrics } from './node-runtime-metrics.js';
export {
  eventLoopSource,
  gcSource,
  nodeMemorySource,
  nodeRuntimeSources,
  startNodeRuntimePoller,
} from './node-sources.js';
