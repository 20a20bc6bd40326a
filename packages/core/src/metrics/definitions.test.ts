import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { codeOf } from '../errors/errors.test-kit.js';
import {
  counter,
  distribution,
  lastValue,
  type MetricOptions,
  type ReporterOptions,
  sum,
  summary,
} from './definitions.js';

describe('metric definitions', () => {
  it('splits the name into event and measurement', () => {
    const m = summary('http.request.stop.duration', { tags: ['route'], description: 'latency' });
    expect(m).toMatchObject({
      type: 'summary',
      event: 'http.request.stop',
      measurement: 'duration',
      tags: ['route'],
      description: 'latency',
      ratio: { numerator: 1, denominator: 1 },
    });
  });

  it('accepts an explicit event and a measurement function', () => {
    const fn = (m: Record<string, number>) => m.a;
    const m = sum('bytes_total', { event: 'upload.done', measurement: fn });
    expect(m.event).toBe('upload.done');
    expect(m.measurement).toBe(fn);
  });

  it('converts by exact integer ratios: SI bytes are powers of 1000, IEC bytes of 1024', () => {
    expect(distribution('a.b.duration', { unit: { from: 'millisecond', to: 'second' } })).toMatchObject({
      unit: 'second',
      ratio: { numerator: 1, denominator: 1000 },
    });
    expect(lastValue('mem.heap', { unit: { from: 'byte', to: 'megabyte' } }).ratio).toEqual({
      numerator: 1,
      denominator: 1_000_000,
    });
    expect(lastValue('mem.heap', { unit: { from: 'byte', to: 'mebibyte' } }).ratio).toEqual({
      numerator: 1,
      denominator: 1024 ** 2,
    });
    expect(lastValue('mem.heap', { unit: { from: 'kibibyte', to: 'kilobyte' } }).ratio).toEqual({
      numerator: 128,
      denominator: 125,
    });
    expect(lastValue('mem.heap', { unit: 'byte' })).toMatchObject({ unit: 'byte', ratio: { numerator: 1 } });
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

  // Telemetry.Metrics validates every option when the metric is defined; so does isotel, with
  // IsotelError where a TypeError would otherwise escape from inside
  it('refuses options of the wrong type with invalid_metric, never a TypeError', () => {
    const bad: [string, () => unknown][] = [
      ['a non-string event', () => counter('a.b', { event: 1 as unknown as string })],
      ['an array event', () => counter('a.b', { event: ['a', 'b'] as unknown as string })],
      ['a non-string description', () => counter('a.b', { description: 42 as unknown as string })],
      ['an array of reporterOptions', () => summary('a.b', { reporterOptions: ['avg'] as unknown as ReporterOptions })],
      ['null reporterOptions', () => summary('a.b', { reporterOptions: null as unknown as ReporterOptions })],
      ['a string of reporterOptions', () => summary('a.b', { reporterOptions: 'avg' as unknown as ReporterOptions })],
      ['a numeric unit', () => sum('a.b', { unit: 1 as unknown as string })],
      ['an array unit', () => sum('a.b', { unit: ['byte', 'kilobyte'] as unknown as string })],
      ['a null unit', () => sum('a.b', { unit: null as unknown as string })],
      ['a unit with a missing side', () => sum('a.b', { unit: { from: 'byte' } as unknown as string })],
      ['an empty measurement', () => sum('a.b', { measurement: '' })],
      ['a numeric measurement', () => sum('a.b', { measurement: 3 as unknown as string })],
      ['tags that are not an array', () => counter('a.b', { tags: 'route' as unknown as string[] })],
      ['a non-function tagValues', () => counter('a.b', { tagValues: {} as unknown as () => Record<string, unknown> })],
      ['a non-function keep', () => counter('a.b', { keep: true as unknown as () => boolean })],
      ['options that are not an object', () => counter('a.b', 'x' as unknown as MetricOptions)],
      ['a non-string name', () => counter(['a', 'b'] as unknown as string)],
    ];
    for (const [what, define] of bad) expect(codeOf(define), what).toBe('invalid_metric');
  });

  it('keeps the name and its event apart when the event is given (event_name in Telemetry.Metrics)', () => {
    const m = counter('http.requests', { event: 'http.request.stop' });
    expect(m).toMatchObject({ name: 'http.requests', event: 'http.request.stop', measurement: 'requests' });
    expect(summary('vm.memory.total').measurement).toBe('total');
    expect(summary('vm.memory.total', { measurement: 'binary' }).measurement).toBe('binary');
  });

  it('defaults tags to none, description to empty and reporterOptions to an empty object', () => {
    const m = lastValue('vm.memory.total');
    expect(m.tags).toEqual([]);
    expect(m.description).toBe('');
    expect(m.reporterOptions).toEqual({});
    expect(m.unit).toBeUndefined();
    expect(Object.isFrozen(m)).toBe(true);
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
