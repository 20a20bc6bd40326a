// Ready-made handlers from the observability spec: performance summary, error spikes, usage.
export {
  ERROR_SPIKE_EVENT,
  type ErrorSpikeDetector,
  type ErrorSpikeOptions,
  errorSpikeDetector,
} from './error-spike.js';
export {
  PERFORMANCE_SUMMARY_EVENT,
  type PerformanceSummary,
  type PerformanceSummaryOptions,
  performanceSummary,
} from './performance-summary.js';
export { type UsageCounter, type UsageCounterOptions, usageCounter } from './usage-counter.js';
export type { Clock } from './window-clock.js';
