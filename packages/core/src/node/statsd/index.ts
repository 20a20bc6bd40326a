// @isotel/core/statsd: the StatsD and DogStatsD reporter (needs hot-shots).
export {
  type StatsdReporter,
  type StatsdReporterOptions,
  type StatsdStats,
  statsdReporter,
} from './statsd-reporter.js';
