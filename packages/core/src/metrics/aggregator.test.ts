import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createTelemetry } from '../bus/telemetry.js';
import { createAggregator } from './aggregator.js';
import { OVERFLOW_TAG_VALUE } from './attach-metrics.js';
import { consoleReporter } from './console-reporter.js';
import { counter, distribution, lastValue, sum, summary } from './definitions.js';

describe('in-memory aggregator', () => {
  it('aggregates the five types from the events they name, one handler per event', () => {
    const t = createTelemetry();
    const agg = createAggregator(t, [
      counter('http.request.stop.duration', { tags: ['route'] }),
      sum('http.request.stop.bytes'),
      lastValue('runtime.memory.heapUsed'),
      summary('http.request.latency', { event: 'http.request.stop', measurement: 'duration' }),
    ]).snapshot;
    expect(t.listHandlers().map((h) => h.id)).toEqual([
      'isotel.aggregator:http.request.stop',
      'isotel.aggregator:runtime.memory',
    ]);
    t.emit('http.request.stop', { duration: 10, bytes: 100 }, { route: '/a' });
    t.emit('http.request.stop', { duration: 30, bytes: 50 }, { route: '/b' });
    t.emit('http.request.stop', { duration: 20, bytes: 1 }, { route: '/a' });
    t.emit('runtime.memory', { heapUsed: 5 });
    t.emit('runtime.memory', { heapUsed: 7 });
    const [c, s, l, q] = agg();
    expect(c?.series.map((x) => [x.tags.route, x.count])).toEqual([
      ['/a', 2],
      ['/b', 1],
    ]);
    expect(s?.series[0]?.sum).toBe(151);
    expect(l?.series[0]?.last).toBe(7);
    expect(q?.series[0]).toMatchObject({ count: 3, min: 10, max: 30 });
  });

  it('skips and counts missing and non-numeric values without throwing into emit', () => {
    const t = createTelemetry();
    const agg = createAggregator(t, [
      sum('job.done.items'),
      sum('job.done.weird', {
        measurement: () => {
          throw new Error('bad');
        },
      }),
    ]);
    t.emit('job.done', { items: 2 });
    t.emit('job.done', {});
    t.emit('job.done', { items: Number.NaN });
    t.emit('job.done', { items: 'x' as unknown as number });
    expect(agg.snapshot()[0]?.series[0]?.sum).toBe(2);
    expect(agg.stats()).toMatchObject({
      recorded: 1,
      skipped: { missing_value: 1, non_numeric: 2, callback_failed: 4 },
    });
    expect(t.stats().handlerFailures).toBe(0);
  });

  it('applies keep, drop, tagValues and unit conversion', () => {
    const t = createTelemetry();
    const agg = createAggregator(t, [
      sum('req.stop.duration', {
        unit: { from: 'millisecond', to: 'second' },
        tags: ['status'],
        tagValues: (md) => ({ status: Number(md.code) >= 500 ? 'error' : 'ok' }),
        keep: (md) => md.internal !== true,
      }),
      counter('req.stop.count', { drop: (_md, m) => (m.duration ?? 0) < 5 }),
    ]);
    t.emit('req.stop', { duration: 1500 }, { code: 200 });
    t.emit('req.stop', { duration: 500 }, { code: 503 });
    t.emit('req.stop', { duration: 4 }, { code: 200, internal: true });
    const [s, c] = agg.snapshot();
    expect(s?.series.map((x) => [x.tags, x.sum])).toEqual([
      [{ status: 'ok' }, 1.5],
      [{ status: 'error' }, 0.5],
    ]);
    expect(c?.series[0]?.count).toBe(2);
  });

  it('caps series per metric and records the excess in one counted overflow series', () => {
    const t = createTelemetry();
    const agg = createAggregator(t, [counter('page.view.count', { tags: ['path'] })], { maxSeries: 3 });
    for (let i = 0; i < 10; i++) t.emit('page.view', { count: 1 }, { path: `/p${i}` });
    t.emit('page.view', { count: 1 }, { path: '/p1' });
    const series = agg.snapshot()[0]?.series ?? [];
    expect(series).toHaveLength(4);
    expect(series.find((s) => s.tags.path === OVERFLOW_TAG_VALUE)?.count).toBe(7);
    expect(series.find((s) => s.tags.path === '/p1')?.count).toBe(2);
    expect(agg.stats().overflowed).toEqual({ 'page.view.count': 7 });
  });

  it('reports quantiles within the stated relative accuracy for any sample', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0.001, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 300 }),
        fc.constantFrom(0.5, 0.95, 0.99),
        (values, q) => {
          const t = createTelemetry();
          const agg = createAggregator(t, [summary('op.stop.duration', { reporterOptions: { quantiles: [q] } })]);
          for (const v of values) t.emit('op.stop', { duration: v });
          const got = agg.snapshot()[0]?.series[0]?.quantiles?.[String(q)] as number;
          // the sketch's rank convention: the value at rank floor(q * (n - 1)) of the sorted sample
          const sorted = [...values].sort((a, b) => a - b);
          const exact = sorted[Math.floor(q * (sorted.length - 1))] as number;
          expect(Math.abs(got - exact)).toBeLessThanOrEqual(exact * agg.relativeAccuracy * 1.0001);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('frees the series slots on reset, so new tag sets get their own series again', () => {
    const t = createTelemetry();
    const agg = createAggregator(t, [counter('page.view.count', { tags: ['user'] })], { maxSeries: 2 });
    for (const user of ['a', 'b', 'c']) t.emit('page.view', {}, { user });
    agg.reset();
    for (const user of ['d', 'e', 'd']) t.emit('page.view', {}, { user });
    expect(agg.snapshot()[0]?.series.map((s) => [s.tags.user, s.count])).toEqual([
      ['d', 2],
      ['e', 1],
    ]);
    t.emit('page.view', {}, { user: 'f' });
    expect(agg.snapshot()[0]?.series.map((s) => [s.tags.user, s.count])).toEqual([
      ['d', 2],
      ['e', 1],
      [OVERFLOW_TAG_VALUE, 1],
    ]);
  });

  it('rejects a maxSeries that is not a positive integer, attaching nothing', () => {
    const t = createTelemetry();
    for (const maxSeries of [Number.NaN, Number.POSITIVE_INFINITY, 0, -1, 2.5]) {
      expect(() => createAggregator(t, [counter('a.b.c')], { maxSeries })).toThrow(
        expect.objectContaining({ code: 'invalid_argument', message: expect.stringContaining('maxSeries') }),
      );
    }
    expect(t.listHandlers()).toEqual([]);
    expect(createAggregator(t, [counter('a.b.c')], { maxSeries: 1 }).relativeAccuracy).toBe(0.01);
  });

  it('detaches its handlers and forgets series on reset', () => {
    const t = createTelemetry();
    const agg = createAggregator(t, [counter('a.b.c')]);
    t.emit('a.b', {});
    agg.reset();
    expect(agg.snapshot()[0]?.series).toEqual([]);
    agg.detach();
    expect(t.listHandlers()).toEqual([]);
  });
});

describe('console reporter', () => {
  it('writes one line per series through the given writer, and a last report at shutdown', async () => {
    const t = createTelemetry();
    const lines: string[] = [];
    const reporter = consoleReporter(
      t,
      [
        counter('http.request.stop.duration', { tags: ['route'] }),
        distribution('http.request.duration_seconds', {
          event: 'http.request.stop',
          measurement: 'duration',
          unit: { from: 'millisecond', to: 'second' },
        }),
      ],
      { intervalMs: 0, write: (line) => lines.push(line) },
    );
    t.emit('http.request.stop', { duration: 250 }, { route: '/a' });
    reporter.report();
    expect(lines).toEqual([
      'http.request.stop.duration{route="/a"} counter count=1',
      'http.request.duration_seconds distribution count=1 min=0.25 max=0.25 p50=0.25 p95=0.25 p99=0.25 second',
    ]);
    lines.length = 0;
    await t.shutdown();
    expect(lines).toHaveLength(2);
  });
});
