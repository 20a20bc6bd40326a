export {
  type StatsdReporter,
  type StatsdReporterOptions,
  type StatsdStats,
  statsdReporter,
} from './statsd-reporter.js';
