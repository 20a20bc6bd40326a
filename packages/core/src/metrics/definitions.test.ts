import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { codeOf } from '../errors/errors.test-kit.js';
import { counter, distribution, lastValue, sum, summary } from './definitions.js';

describe('metric definitions', () => {
  it('splits the name into event and measurement', () => {
    const m = summary('http.request.stop.duration', { tags: ['route'], description: 'latency' });
    expect(m).toMatchObject({
      type: 'summary',
      event: 'http.request.stop',
      measurement: 'duration',
      tags: ['route'],
      description: 'latency',
      scale: 1,
    });
  });

  it('accepts an explicit event and a measurement function', () => {
    const fn = (m: Record<string, number>) => m.a;
    const m = sum('bytes_total', { event: 'upload.done', measurement: fn });
    expect(m.event).toBe('upload.done');
    expect(m.measurement).toBe(fn);
  });

  it('converts time from milliseconds and bytes to binary multiples', () => {
    expect(distribution('a.b.duration', { unit: { from: 'millisecond', to: 'second' } })).toMatchObject({
      unit: 'second',
      scale: 0.001,
    });
    expect(lastValue('mem.heap', { unit: { from: 'byte', to: 'megabyte' } }).scale).toBe(1 / 1024 ** 2);
    expect(lastValue('mem.heap', { unit: 'byte' })).toMatchObject({ unit: 'byte', scale: 1 });
  });

  it('rejects invalid definitions with invalid_metric at definition', () => {
    expect(codeOf(() => counter('single'))).toBe('invalid_metric');
    expect(codeOf(() => counter('a..b'))).toBe('invalid_metric');
    expect(codeOf(() => counter('a.b', { tags: ['x', 'x'] }))).toBe('invalid_metric');
    expect(codeOf(() => sum('a.b', { unit: { from: 'millisecond', to: 'byte' } }))).toBe('invalid_metric');
    // @ts-expect-error an unknown unit
    expect(codeOf(() => sum('a.b', { unit: { from: 'parsec', to: 'second' } }))).toBe('invalid_metric');
    expect(codeOf(() => distribution('a.b', { reporterOptions: { buckets: [1, 1] } }))).toBe('invalid_metric');
    expect(codeOf(() => summary('a.b', { reporterOptions: { buckets: [1] } }))).toBe('invalid_metric');
    expect(codeOf(() => summary('a.b', { reporterOptions: { quantiles: [1.5] } }))).toBe('invalid_metric');
    expect(codeOf(() => counter('a.b', { keep: () => true, drop: () => false }))).toBe('invalid_metric');
    expect(codeOf(() => counter('a.b', { reporterOptions: { maxSeries: 0 } }))).toBe('invalid_metric');
  });

  it('either defines a metric or throws invalid_metric for any name', () => {
    fc.assert(
      fc.property(fc.string(), (name) => {
        const c = codeOf(() => counter(name));
        expect(c === undefined || c === 'invalid_metric').toBe(true);
      }),
    );
  });
});
