export { browserMemorySource, browserRuntimeSources, globalErrorSource, longTaskSource } from './browser-sources.js';
export {
  type RuntimeEmit,
  type RuntimePoller,
  type RuntimePollerOptions,
  type RuntimeSource,
  startRuntimePoller,
} from './runtime-poller.js';
