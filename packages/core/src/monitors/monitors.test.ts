import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createTelemetry } from '../bus/telemetry.js';
import { captureEvents } from '../testing/capture-events.js';
import { ERROR_SPIKE_EVENT, errorSpikeDetector } from './error-spike.js';
import { PERFORMANCE_SUMMARY_EVENT, performanceSummary } from './performance-summary.js';
import { usageCounter } from './usage-counter.js';

function fakeClock(start = 0) {
  let now = start;
  return {
    now: () => now,
    advance(ms: number) {
      now += ms;
    },
  };
}

describe('performance summary', () => {
  it('emits count, avg, max, p95 and error rate per operation when the window closes', () => {
    const t = createTelemetry();
    const clock = fakeClock();
    const seen = captureEvents(t, PERFORMANCE_SUMMARY_EVENT);
    performanceSummary(t, { windowMs: 1000, now: clock.now, intervalMs: 0 });
    for (let i = 1; i <= 100; i++) t.emit('db.query.stop', { duration: i, monotonicTime: 0 }, { spanId: `s${i}` });
    t.emit('db.query.exception', { duration: 200, monotonicTime: 0 }, { kind: 'error', error: new Error('x') });
    t.emit('http.request.stop', { duration: 5, monotonicTime: 0 });
    expect(seen.events).toHaveLength(0);
    clock.advance(1000);
    t.emit('http.request.stop', { duration: 7, monotonicTime: 0 });
    const byOp = Object.fromEntries(seen.events.map((e) => [e.metadata.operation, e]));
    expect(seen.events).toHaveLength(2);
    const db = byOp['db.query'];
    expect(db?.measurements).toMatchObject({ count: 101, errors: 1, max: 200, errorRate: 1 / 101 });
    expect(Math.abs((db?.measurements.p50 as number) - 51)).toBeLessThanOrEqual(51 * 0.01);
    expect(Math.abs((db?.measurements.p99 as number) - 100)).toBeLessThanOrEqual(100 * 0.01);
    expect(db?.measurements.avg).toBeCloseTo((5050 + 200) / 101, 9);
    expect(Math.abs((db?.measurements.p95 as number) - 96)).toBeLessThanOrEqual(96 * 0.01);
    expect(db?.metadata).toMatchObject({ windowStart: 0, windowMs: 1000 });
    expect(byOp['http.request']?.measurements).toMatchObject({ count: 1, avg: 5, max: 5, errorRate: 0 });
  });

  it('only summarises the prefixes it was given, and flush() closes the window on demand', () => {
    const t = createTelemetry();
    const seen = captureEvents(t, PERFORMANCE_SUMMARY_EVENT);
    const summary = performanceSummary(t, { prefixes: ['checkout.**'], now: fakeClock().now, intervalMs: 0 });
    t.emit('checkout.pay.stop', { duration: 3 });
    t.emit('search.stop', { duration: 3 });
    summary.flush();
    expect(seen.events.map((e) => e.metadata.operation)).toEqual(['checkout.pay']);
    summary.flush();
    expect(seen.events).toHaveLength(1);
  });
});

describe('error-spike detector', () => {
  it('alerts once when N exceptions arrive in a window, and again in a later window', () => {
    const t = createTelemetry();
    const clock = fakeClock(10_000);
    const alerts = captureEvents(t, ERROR_SPIKE_EVENT);
    const detector = errorSpikeDetector(t, { threshold: 3, windowMs: 1000, now: clock.now });
    for (let i = 0; i < 2; i++) t.emit('db.query.exception', { duration: 1 }, { error: new Error('timeout') });
    clock.advance(1000); // the two above were in the previous window
    for (let i = 0; i < 5; i++) t.emit('db.query.exception', { duration: 1 }, { error: new Error('timeout') });
    clock.advance(1000);
    for (let i = 0; i < 3; i++) t.emit('api.call.exception', { duration: 1 }, { error: 'refused' });
    expect(alerts.events.map((e) => [e.measurements.count, e.metadata])).toEqual([
      [3, { windowStart: 11_000, event: 'db.query.exception', error: 'timeout' }],
      [3, { windowStart: 12_000, event: 'api.call.exception', error: 'refused' }],
    ]);
    expect(detector.alerts).toBe(2);
  });

  it('never alerts more than once per window, whatever the arrival times', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 5000 }), { maxLength: 200 }),
        fc.integer({ min: 1, max: 5 }),
        (gaps, n) => {
          const t = createTelemetry();
          const clock = fakeClock();
          const alerts = captureEvents(t, ERROR_SPIKE_EVENT);
          errorSpikeDetector(t, { threshold: n, windowMs: 1000, now: clock.now });
          const perWindow = new Map<number, number>();
          for (const gap of gaps) {
            clock.advance(gap);
            const w = Math.floor(clock.now() / 1000);
            perWindow.set(w, (perWindow.get(w) ?? 0) + 1);
            t.emit('x.exception', {}, {});
          }
          const expected = [...perWindow.values()].filter((c) => c >= n).length;
          expect(alerts.events).toHaveLength(expected);
        },
      ),
    );
  });
});

describe('usage counter', () => {
  it('reports the most used event names first, ignoring isotel events', () => {
    const t = createTelemetry();
    const usage = usageCounter(t);
    for (let i = 0; i < 5; i++) t.emit('ui.click', {});
    for (let i = 0; i < 3; i++) t.emit('ui.scroll', {});
    t.emit('ui.hover', {});
    t.emit('isotel.exporter.flush', {});
    expect(usage.top(2)).toEqual([
      { name: 'ui.click', count: 5 },
      { name: 'ui.scroll', count: 3 },
    ]);
    usage.reset();
    expect(usage.top()).toEqual([]);
  });

  it('stays within its capacity and keeps a frequent name on top among many rare ones', () => {
    const t = createTelemetry();
    const usage = usageCounter(t, { capacity: 10 });
    for (let i = 0; i < 1000; i++) {
      t.emit('hot.path', {});
      t.emit(`rare.n${i}`, {});
    }
    const top = usage.top(100);
    expect(top).toHaveLength(10);
    expect(top[0]).toEqual({ name: 'hot.path', count: 1000 });
  });
});
