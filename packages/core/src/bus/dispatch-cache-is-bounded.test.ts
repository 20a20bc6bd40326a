import { describe, expect, it } from 'vitest';
import { DEFAULT_CACHE_SIZE } from './handler-registry.js';
import { createTelemetry } from './telemetry.js';

describe('dispatch is resolved once per name and cached, within a bound', () => {
  it('never holds more than the default bound of names under 1,000,000 distinct dynamic names', () => {
    const t = createTelemetry();
    let delivered = 0;
    t.attach('per-user', 'user.*.login', () => {
      delivered++;
    });
    t.attach('first-user', 'user.0.login', () => {
      delivered++;
    });
    let largest = 0;
    for (let i = 0; i < 1_000_000; i++) {
      t.emit(`user.${i}.login`, { count: 1 });
      const cached = t.stats().cachedNames;
      if (cached > largest) largest = cached;
    }
    expect(delivered).toBe(1_000_001);
    expect(largest).toBeLessThanOrEqual(DEFAULT_CACHE_SIZE);
    expect(largest).toBeGreaterThan(DEFAULT_CACHE_SIZE * 0.9); // the cache is in use, not bypassed
    expect(t.stats().cachedNames).toBeLessThanOrEqual(DEFAULT_CACHE_SIZE);
  }, 180_000);

  it('checked after every emit, never exceeds a configured bound', () => {
    const t = createTelemetry({ dispatchCacheSize: 10 });
    t.attach('all', '**', () => {});
    for (let i = 0; i < 1000; i++) {
      t.emit(`dyn.${i}`);
      expect(t.stats().cachedNames).toBeLessThanOrEqual(10);
    }
  });

  it('keeps delivering to names resolved again after the cache started over', () => {
    const t = createTelemetry({ dispatchCacheSize: 2 });
    const seen: string[] = [];
    t.attach('h', 'a.*', (name) => seen.push(name));
    for (const name of ['a.1', 'a.2', 'a.3', 'a.1', 'b.1', 'a.2']) t.emit(name);
    expect(seen).toEqual(['a.1', 'a.2', 'a.3', 'a.1', 'a.2']);
  });

  it('caches invalid names too, so repeated invalid emits stay cheap and bounded', () => {
    const t = createTelemetry({ dispatchCacheSize: 5 });
    t.attach('h', '**', () => {});
    for (let i = 0; i < 50; i++) t.emit(`bad name ${i}`);
    expect(t.stats().cachedNames).toBeLessThanOrEqual(5);
    expect(t.stats().dropped.invalid_name).toBe(50);
  });

  it('is invalidated by attach: a new handler receives events of an already cached name', () => {
    const t = createTelemetry();
    const seen: string[] = [];
    t.attach('first', 'a.b', () => seen.push('first'));
    t.emit('a.b');
    t.attach('second', 'a.*', () => seen.push('second'));
    t.emit('a.b');
    expect(seen).toEqual(['first', 'first', 'second']);
  });

  it('is invalidated by detach: a detached handler gets nothing more through a cached name', () => {
    const t = createTelemetry();
    const seen: string[] = [];
    t.attach('stays', 'a.*', () => seen.push('stays'));
    t.attach('goes', 'a.**', () => seen.push('goes'));
    t.emit('a.b');
    t.detach('goes');
    t.emit('a.b');
    expect(seen).toEqual(['stays', 'goes', 'stays']);
  });

  it('refuses a bound that is not a positive integer (invalid_argument)', () => {
    for (const size of [0, -1, 1.5, Number.NaN]) {
      expect(() => createTelemetry({ dispatchCacheSize: size })).toThrow(
        expect.objectContaining({ code: 'invalid_argument' }),
      );
    }
  });
});
