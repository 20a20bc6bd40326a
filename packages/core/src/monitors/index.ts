// @isotel/core/monitors: ready-made handlers from the observability spec: a performance summary,
// an error-spike detector and a usage counter. Browser-safe.
export { type ErrorSpikeDetector, type ErrorSpikeOptions, errorSpikeDetector } from './error-spike.js';
export {
  type PerformanceSummary,
  type PerformanceSummaryOptions,
  performanceSummary,
} from './performance-summary.js';
export { type UsageCounter, type UsageCounterOptions, usageCounter } from './usage-counter.js';
export type { Clock } from './window-clock.js';
