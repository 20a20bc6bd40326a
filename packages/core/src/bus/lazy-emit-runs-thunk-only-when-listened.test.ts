import { afterEach, describe, expect, it } from 'vitest';
import { type Logger, logger, setLogger } from '../log/logger.js';
import { createTelemetry } from './telemetry.js';
import type { EventThunk } from './types.js';

function countingThunk(): EventThunk & { calls: number } {
  const thunk = Object.assign(
    (): [Record<string, number>, Record<string, unknown>] => {
      thunk.calls++;
      return [{ count: 1 }, { expensive: 'yes' }];
    },
    { calls: 0 },
  );
  return thunk;
}

describe('the lazy form: emit(name, () => [measurements, metadata])', () => {
  const original = logger();
  afterEach(() => setLogger(original));

  it('does not run the thunk when nothing is attached anywhere', () => {
    const t = createTelemetry();
    const thunk = countingThunk();
    t.emit('cache.miss', thunk);
    expect(thunk.calls).toBe(0);
  });

  it('does not run the thunk when handlers listen only to other names', () => {
    const t = createTelemetry();
    t.attach('other', 'cache.hit', () => {});
    t.attach('other-pattern', 'db.**', () => {});
    const thunk = countingThunk();
    t.emit('cache.miss', thunk);
    expect(thunk.calls).toBe(0);
  });

  it('runs the thunk once however many handlers listen, and hands them its result', () => {
    const t = createTelemetry();
    const seen: unknown[] = [];
    t.attach('a', 'cache.*', (_n, m, md) => seen.push([m, md]));
    t.attach('b', 'cache.miss', (_n, m, md) => seen.push([m, md]));
    const thunk = countingThunk();
    t.emit('cache.miss', thunk);
    expect(thunk.calls).toBe(1);
    expect(seen).toEqual([
      [{ count: 1 }, { expensive: 'yes' }],
      [{ count: 1 }, { expensive: 'yes' }],
    ]);
  });

  it('gives empty metadata when the thunk returns measurements only', () => {
    const t = createTelemetry();
    const seen: unknown[] = [];
    t.attach('a', 'x', (_n, m, md) => seen.push([m, md]));
    t.emit('x', () => [{ value: 2 }]);
    expect(seen).toEqual([[{ value: 2 }, {}]]);
  });

  it('uses the metadata given beside the thunk when the thunk returns none', () => {
    const t = createTelemetry();
    const seen: unknown[] = [];
    t.attach('a', 'x', (_n, m, md) => seen.push([m, md]));
    t.emit('x', () => [{ value: 2 }], { route: '/a' });
    t.emit('x', () => [{ value: 3 }, { route: '/thunk' }], { route: '/a' });
    expect(seen).toEqual([
      [{ value: 2 }, { route: '/a' }],
      [{ value: 3 }, { route: '/thunk' }],
    ]);
  });

  it('drops the event, counts thunk_failed and logs when the thunk throws, and never throws', () => {
    const errors: string[] = [];
    setLogger({ warn() {}, error: (message) => errors.push(message) } satisfies Logger);
    const t = createTelemetry();
    let handled = 0;
    t.attach('h', 'x', () => {
      handled++;
    });
    expect(() =>
      t.emit('x', () => {
        throw new Error('metadata failed');
      }),
    ).not.toThrow();
    expect(handled).toBe(0);
    expect(t.stats().dropped).toEqual({ thunk_failed: 1 });
    expect(t.stats().handlerFailures).toBe(0);
    expect(errors).toEqual(['The metadata thunk of "x" threw; the event was dropped.']);
  });
});
