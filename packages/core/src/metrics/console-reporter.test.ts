// The console reporter, in the spirit of Telemetry.Metrics' console_reporter_test: what it prints
// per metric type, unit conversion, keep/drop, skipped values, bad arguments, and detaching.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTelemetry, type Telemetry } from '../bus/telemetry.js';
import { codeOf } from '../errors/errors.test-kit.js';
import { logger, setLogger } from '../log/logger.js';
import { type ConsoleReporterOptions, consoleReporter } from './console-reporter.js';
import { counter, distribution, lastValue, type MetricDefinition, sum, summary } from './definitions.js';

const original = logger();
let t: Telemetry;
let lines: string[];
let logged: string[];
beforeEach(() => {
  t = createTelemetry();
  lines = [];
  logged = [];
  setLogger({ warn: (m) => logged.push(m), error: (m) => logged.push(m) });
});
afterEach(async () => {
  setLogger(original);
  await t.shutdown();
});

const start = (metrics: MetricDefinition[]) =>
  consoleReporter(t, metrics, { intervalMs: 0, write: (line) => lines.push(line) });

describe('console reporter', () => {
  it('prints every type with its tags and converted values', () => {
    const reporter = start([
      counter('http.request.stop.duration', { tags: ['method'] }),
      sum('http.request.stop.bytes', { unit: { from: 'byte', to: 'kilobyte' } }),
      lastValue('vm.memory.total', { unit: { from: 'byte', to: 'megabyte' } }),
      summary('http.request.stop.latency', {
        event: 'http.request.stop',
        measurement: 'duration',
        unit: { from: 'microsecond', to: 'nanosecond' },
      }),
      distribution('http.request.stop.seconds', {
        event: 'http.request.stop',
        measurement: 'duration',
        unit: { from: 'nanosecond', to: 'second' },
      }),
    ]);
    t.emit('http.request.stop', { duration: 1_234_567, bytes: 1500 }, { method: 'GET' });
    t.emit('vm.memory', { total: 76_000_000 });
    reporter.report();
    expect(lines).toEqual([
      'http.request.stop.duration{method="GET"} counter count=1',
      'http.request.stop.bytes sum sum=1.5 kilobyte',
      'vm.memory.total lastValue value=76 megabyte',
      'http.request.stop.latency summary count=1 min=1234567000 max=1234567000 p50=1230000000 p95=1230000000 p99=1230000000 nanosecond',
      'http.request.stop.seconds distribution count=1 min=0.001234567 max=0.001234567 p50=0.00123 p95=0.00123 p99=0.00123 second',
    ]);
  });

  it('counts 1 per event for a counter with a unit conversion', () => {
    const reporter = start([counter('job.stop.duration', { unit: { from: 'second', to: 'millisecond' } })]);
    for (let i = 0; i < 3; i++) t.emit('job.stop', { duration: 2 });
    reporter.report();
    expect(lines).toEqual(['job.stop.duration counter count=3']);
  });

  it('filters events with keep and drop', () => {
    const reporter = start([
      counter('db.query.stop.main', { event: 'db.query.stop', keep: (md) => md.repo === 'main' }),
      counter('db.query.stop.fast', { event: 'db.query.stop', drop: (_md, m) => (m.duration as number) > 10 }),
    ]);
    t.emit('db.query.stop', { duration: 5 }, { repo: 'main' });
    t.emit('db.query.stop', { duration: 50 }, { repo: 'replica' });
    reporter.report();
    expect(lines).toEqual(['db.query.stop.main counter count=1', 'db.query.stop.fast counter count=1']);
  });

  it('skips a missing or non-numeric measurement and logs a throwing function with the metric', () => {
    const reporter = start([
      sum('job.done.items'),
      lastValue('job.done.ratio', {
        measurement: () => {
          throw new Error('no ratio');
        },
      }),
    ]);
    t.emit('job.done', {});
    t.emit('job.done', { items: 'x' as unknown as number });
    t.emit('job.done', { items: 4 });
    reporter.report();
    expect(lines).toEqual(['job.done.items sum sum=4']);
    expect(reporter.aggregator.stats().skipped).toEqual({ missing_value: 1, non_numeric: 1, callback_failed: 3 });
    expect(logged).toEqual(['Metric "job.done.ratio": its measurement function threw; the value was skipped.']);
  });

  it('refuses definitions that are not an array of definitions, and bad options, with IsotelError', () => {
    expect(codeOf(() => consoleReporter(t, undefined as unknown as MetricDefinition[]))).toBe('invalid_metric');
    expect(codeOf(() => consoleReporter(t, [{ name: 'a.b' } as unknown as MetricDefinition]))).toBe('invalid_metric');
    expect(codeOf(() => consoleReporter(t, [], null as unknown as ConsoleReporterOptions))).toBe('invalid_argument');
    expect(codeOf(() => consoleReporter(t, [], { write: 'stdout' as unknown as () => void }))).toBe('invalid_argument');
    expect(codeOf(() => consoleReporter(t, [], { intervalMs: -1 }))).toBe('invalid_argument');
    expect(t.listHandlers()).toEqual([]);
  });

  it('detaches its handlers when stopped, after a last report', () => {
    const reporter = start([counter('a.b.count')]);
    expect(t.listHandlers().map((h) => h.id)).toEqual(['isotel.console:a.b']);
    t.emit('a.b');
    reporter.stop();
    expect(lines).toEqual(['a.b.count counter count=1']);
    expect(t.listHandlers()).toEqual([]);
    t.emit('a.b');
    reporter.report();
    expect(lines).toEqual(['a.b.count counter count=1', 'a.b.count counter count=1']);
  });
});
