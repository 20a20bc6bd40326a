import { describe, expect, it } from 'vitest';
import { createTelemetry } from '../bus/telemetry.js';
import { counter, distribution, lastValue } from '../metrics/definitions.js';
import { createTestReporter } from './test-reporter.js';

describe('createTestReporter', () => {
  it('records what each metric received, converted and tagged like a real reporter', () => {
    const t = createTelemetry();
    const reporter = createTestReporter(t, [
      counter('http.request.stop.count', { tags: ['route'] }),
      distribution('http.request.stop.duration', { tags: ['route'], unit: { from: 'millisecond', to: 'second' } }),
      lastValue('queue.depth.value'),
    ]);
    t.emit('http.request.stop', { duration: 250 }, { route: '/orders' });
    t.emit('http.request.stop', { duration: 1500 }, { route: '/cart' });
    t.emit('queue.depth', { value: 3 });
    t.emit('queue.depth', { value: 'high' as unknown as number });

    expect(reporter.values('http.request.stop.count', { route: '/orders' })).toEqual([1]);
    expect(reporter.values('http.request.stop.duration')).toEqual([0.25, 1.5]);
    expect(reporter.last('http.request.stop.duration', { route: '/cart' })).toBe(1.5);
    expect(reporter.last('queue.depth.value')).toBe(3);
    expect(reporter.stats().skipped).toEqual({ non_numeric: 1 });
  });

  it('stops recording once detached and forgets on clear', () => {
    const t = createTelemetry();
    const reporter = createTestReporter(t, [counter('job.done.count')]);
    t.emit('job.done');
    reporter.clear();
    expect(reporter.records).toEqual([]);
    reporter.detach();
    t.emit('job.done');
    expect(reporter.records).toEqual([]);
    expect(t.listHandlers()).toEqual([]);
  });
});
