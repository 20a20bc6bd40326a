// Every reporter refuses what is not an array of metric definitions with IsotelError
// `invalid_metric` before it attaches, registers or opens anything.
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createTelemetry } from '../bus/telemetry.js';
import { codeOf } from '../errors/errors.test-kit.js';
import { createAggregator } from '../metrics/aggregator.js';
import { consoleReporter } from '../metrics/console-reporter.js';
import type { MetricDefinition } from '../metrics/definitions.js';
import { bridgeMetrics } from '../otel/metric-bridge.js';
import { createTestReporter } from '../testing/test-reporter.js';
import { prometheusReporter } from './prometheus/prometheus-reporter.js';
import { statsdReporter } from './statsd/statsd-reporter.js';

const t = createTelemetry();
afterEach(() => t.shutdown());

describe('reporters given something other than metric definitions', () => {
  const cases: [string, unknown][] = [
    ['undefined', undefined],
    ['an object', { metrics: [] }],
    ['an array holding null', [null]],
    ['an array holding a plain object', [{ name: 'a.b', type: 'counter' }]],
  ];
  for (const [what, definitions] of cases) {
    it(`refuses ${what} with invalid_metric, never a TypeError`, () => {
      const defs = definitions as MetricDefinition[];
      const registry = new Registry();
      expect(codeOf(() => createAggregator(t, defs))).toBe('invalid_metric');
      expect(codeOf(() => consoleReporter(t, defs, { intervalMs: 0 }))).toBe('invalid_metric');
      expect(codeOf(() => prometheusReporter(t, defs, { registry }))).toBe('invalid_metric');
      expect(codeOf(() => statsdReporter(t, defs))).toBe('invalid_metric');
      expect(codeOf(() => bridgeMetrics(t, defs))).toBe('invalid_metric');
      expect(codeOf(() => createTestReporter(t, defs))).toBe('invalid_metric');
      expect(t.listHandlers()).toEqual([]);
      expect(registry.getMetricsAsArray()).toEqual([]);
    });
  }
});
