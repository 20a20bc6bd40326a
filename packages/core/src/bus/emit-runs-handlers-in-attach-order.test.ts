import { describe, expect, it } from 'vitest';
import { createTelemetry } from './telemetry.js';
import type { Measurements, Metadata } from './types.js';

describe('emit runs handlers synchronously, in attach order', () => {
  it('calls exact and wildcard handlers in the order they were attached, whatever their kind', () => {
    const t = createTelemetry();
    const order: string[] = [];
    t.attach('globstar', 'a.**', () => order.push('globstar'));
    t.attach('exact', 'a.b.c', () => order.push('exact'));
    t.attach('star', 'a.*.c', () => order.push('star'));
    t.attach('exact-2', 'a.b.c', () => order.push('exact-2'));
    t.emit('a.b.c');
    expect(order).toEqual(['globstar', 'exact', 'star', 'exact-2']);
  });

  it('has run every handler before emit returns', () => {
    const t = createTelemetry();
    let seen = 0;
    t.attach('sync', 'job.done', () => {
      seen++;
    });
    t.emit('job.done');
    expect(seen).toBe(1);
  });

  it('passes name, measurements, metadata and the handler config, untouched', () => {
    const t = createTelemetry();
    const calls: unknown[][] = [];
    const measurements: Measurements = { duration: 12.5 };
    const metadata: Metadata = { orderId: 'o-1', nested: { a: 1 } };
    t.attach('with-config', 'checkout.**', (...args) => calls.push(args), { config: { level: 'info' } });
    t.emit('checkout.payment.stop', measurements, metadata);
    expect(calls).toHaveLength(1);
    const [name, m, md, config] = calls[0] as [string, Measurements, Metadata, unknown];
    expect(name).toBe('checkout.payment.stop');
    expect(m).toBe(measurements);
    expect(md).toBe(metadata);
    expect(md).toEqual({ orderId: 'o-1', nested: { a: 1 } });
    expect(config).toEqual({ level: 'info' });
  });

  it('gives empty measurements and metadata when the emit omits them', () => {
    const t = createTelemetry();
    const calls: unknown[][] = [];
    t.attach('h', 'a', (...args) => calls.push(args));
    t.emit('a');
    expect(calls[0]?.slice(0, 3)).toEqual(['a', {}, {}]);
  });

  it('runs a handler attached to several matching patterns once per event', () => {
    const t = createTelemetry();
    const names: string[] = [];
    t.attachMany('many', ['a.b', 'a.*', 'a.**'], (name) => names.push(name));
    t.emit('a.b');
    t.emit('a.x');
    t.emit('a');
    expect(names).toEqual(['a.b', 'a.x', 'a']);
  });

  it('does not call handlers of other names or non-matching patterns', () => {
    const t = createTelemetry();
    const names: string[] = [];
    t.attach('other', 'a.b.d', (name) => names.push(`other:${name}`));
    t.attach('deeper', 'a.*.c.*', (name) => names.push(`deeper:${name}`));
    t.attach('target', 'a.*.c', (name) => names.push(`target:${name}`));
    t.emit('a.b.c');
    expect(names).toEqual(['target:a.b.c']);
  });

  it('delivers nested emits from inside a handler before the outer emit continues', () => {
    const t = createTelemetry();
    const order: string[] = [];
    t.attach('outer-1', 'outer', () => {
      order.push('outer-1');
      t.emit('inner');
    });
    t.attach('inner', 'inner', () => order.push('inner'));
    t.attach('outer-2', 'outer', () => order.push('outer-2'));
    t.emit('outer');
    expect(order).toEqual(['outer-1', 'inner', 'outer-2']);
  });

  it('emits { count }, { duration } and { value } through the conveniences', () => {
    const t = createTelemetry();
    const seen: [string, Measurements, Metadata][] = [];
    t.attach('all', '**', (name, m, md) => seen.push([name, m, md]));
    t.emitCounter('c');
    t.emitCounter('c', 3, { route: '/' });
    t.emitTimer('t', 12.5);
    t.emitGauge('g', 7);
    expect(seen).toEqual([
      ['c', { count: 1 }, {}],
      ['c', { count: 3 }, { route: '/' }],
      ['t', { duration: 12.5 }, {}],
      ['g', { value: 7 }, {}],
    ]);
  });
});
