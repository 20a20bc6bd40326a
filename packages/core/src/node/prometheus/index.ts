// @isotel/core/prometheus: the Prometheus reporter and its scrape endpoint (needs prom-client).
export { type MetricsServer, type MetricsServerOptions, serveMetrics } from './metrics-server.js';
export { toNodeHandler, type WebHandler } from './node-adapter.js';
export { type PrometheusReporter, type PrometheusReporterOptions, prometheusReporter } from './prometheus-reporter.js';
