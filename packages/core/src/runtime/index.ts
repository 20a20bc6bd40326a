// @isotel/core/runtime: the runtime poller and the browser's runtime sources (memory, long tasks,
// uncaught errors) as events. Node's sources are in `@isotel/core/node`.
export { browserRuntimeSources, globalErrorSource } from './browser-sources.js';
export {
  type RuntimeEmit,
  type RuntimePoller,
  type RuntimePollerOptions,
  type RuntimeSource,
  startRuntimePoller,
} from './runtime-poller.js';
