export {
  eventLoopSource,
  gcSource,
  nodeMemorySource,
  nodeRuntimeSources,
  startNodeRuntimePoller,
} from './node-sources.js';
