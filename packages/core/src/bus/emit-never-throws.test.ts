import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { logger, setLogger } from '../log/logger.js';
import { createTelemetry } from './telemetry.js';
import type { Measurements, Metadata } from './types.js';

describe('emit never throws', () => {
  const original = logger();
  beforeEach(() => setLogger(null));
  afterEach(() => setLogger(original));

  it('counts an invalid name as dropped (invalid_name) and calls no handler', () => {
    const t = createTelemetry();
    const seen: string[] = [];
    t.attach('all', '**', (name) => seen.push(name));
    for (const name of ['', 'a..b', 'a.*', 'a.**', 'a b', '.a', 'a.']) expect(() => t.emit(name)).not.toThrow();
    expect(seen).toEqual([]);
    expect(t.stats().dropped).toEqual({ invalid_name: 7 });
  });

  it('counts an invalid name on every emit, also once its resolution is cached', () => {
    const t = createTelemetry();
    t.attach('h', 'a', () => {});
    t.emit('bad name');
    t.emit('bad name');
    expect(t.stats().dropped.invalid_name).toBe(2);
  });

  it('survives names that are not strings at all', () => {
    const t = createTelemetry();
    t.attach('h', '**', () => {});
    for (const name of [undefined, null, 42, {}, Symbol('s')]) {
      expect(() => t.emit(name as unknown as string)).not.toThrow();
    }
    expect(t.stats().dropped.invalid_name).toBe(5);
  });

  it('with nothing attached is one check: invalid names are not even looked at', () => {
    const t = createTelemetry();
    t.emit('a..b');
    expect(t.stats().dropped).toEqual({});
    expect(t.stats().cachedNames).toBe(0);
  });

  it('hands handlers empty objects when measurements or metadata are omitted or null', () => {
    const t = createTelemetry();
    const seen: [unknown, unknown][] = [];
    t.attach('h', 'a', (_name, m, md) => {
      seen.push([m, md]);
    });
    const untyped = t.emit.bind(t) as (name: string, m?: unknown, md?: unknown) => void;
    untyped('a');
    untyped('a', null, null);
    untyped('a', { n: 1 }, null);
    untyped('a', null, { id: 'x' });
    t.emit('a', () => [null as unknown as Measurements, null as unknown as Metadata]);
    expect(seen).toEqual([
      [{}, {}],
      [{}, {}],
      [{ n: 1 }, {}],
      [{}, { id: 'x' }],
      [{}, {}],
    ]);
    expect(t.listHandlers()[0]?.failures).toBe(0);
  });

  it('never mutates measurements or metadata', () => {
    const t = createTelemetry();
    t.attach('a', '**', () => {});
    t.attach('broken', '**', () => {
      throw new Error('x');
    });
    const measurements: Measurements = Object.freeze({ duration: 1 });
    const metadata: Metadata = Object.freeze({ id: 'x', nested: Object.freeze({ deep: true }) });
    expect(() => t.emit('a.b', measurements, metadata)).not.toThrow();
  });

  it('holds for any string name and any mix of throwing handlers (property)', () => {
    fc.assert(
      fc.property(fc.string(), fc.array(fc.boolean(), { maxLength: 5 }), (name, throwers) => {
        const t = createTelemetry();
        throwers.forEach((throws, i) => {
          t.attach(`h${i}`, '**', () => {
            if (throws) throw new Error('x');
          });
        });
        t.emit(name, { n: 1 });
        t.emit(name, () => [{ n: 1 }]);
      }),
    );
  });
});
