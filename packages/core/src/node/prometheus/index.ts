export { type MetricsServer, type MetricsServerOptions, serveMetrics } from './metrics-server.js';
export { sanitizeLabelName, sanitizeMetricName } from './names.js';
export { toNodeHandler, type WebHandler } from './node-adapter.js';
export { type PrometheusReporter, type PrometheusReporterOptions, prometheusReporter } from './prometheus-reporter.js';
