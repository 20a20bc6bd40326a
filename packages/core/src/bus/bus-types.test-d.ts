import { describe, expectTypeOf, it } from 'vitest';
import { createTelemetry, type Telemetry } from './telemetry.js';
import type { EventThunk, Handler, HandlerInfo, Measurements, Metadata } from './types.js';

const t: Telemetry = createTelemetry();

describe('bus types', () => {
  it('keeps context functions off the bus: they are module functions, not instance methods', () => {
    expectTypeOf<Telemetry>().not.toHaveProperty('withContext');
    expectTypeOf<Telemetry>().not.toHaveProperty('getContext');
    expectTypeOf<Telemetry>().not.toHaveProperty('getCorrelationId');
    expectTypeOf<Telemetry>().not.toHaveProperty('bind');
    expectTypeOf<Telemetry>().not.toHaveProperty('countDrop');
  });

  it('types a handler config from the attach options', () => {
    t.attach(
      'with-config',
      'a.*',
      (_name, _m, _md, config) => {
        expectTypeOf(config).toEqualTypeOf<{ unit: 'ms' | 's' }>();
      },
      { config: { unit: 'ms' as 'ms' | 's' } },
    );
    expectTypeOf<Handler>().parameters.toEqualTypeOf<[string, Measurements, Metadata, unknown]>();
  });

  it('accepts measurements as numbers only, metadata as anything', () => {
    t.emit('a', { duration: 1 }, { error: new Error('x'), nested: { ok: true } });
    // @ts-expect-error measurements are numbers
    t.emit('a', { duration: '1 ms' });
    t.emit('a');
  });

  it('accepts the lazy form with or without metadata', () => {
    t.emit('a', () => [{ count: 1 }]);
    t.emit('a', () => [{ count: 1 }, { key: 'k' }]);
    // @ts-expect-error the thunk returns a [measurements, metadata?] pair
    t.emit('a', () => ({ count: 1 }));
    expectTypeOf<EventThunk>().returns.toMatchTypeOf<readonly [Measurements, Metadata?]>();
  });

  it('returns what each call promises', () => {
    expectTypeOf(t.detach('x')).toEqualTypeOf<boolean>();
    expectTypeOf(t.hasHandlers('x')).toEqualTypeOf<boolean>();
    expectTypeOf(t.listHandlers()).toEqualTypeOf<HandlerInfo[]>();
    expectTypeOf(t.shutdown()).toEqualTypeOf<Promise<void>>();
    expectTypeOf(t.onShutdown(() => {})).toEqualTypeOf<() => void>();
  });

  it('only accepts the two failure policies', () => {
    // @ts-expect-error 'retry' is not a policy
    t.attach('h', 'a', () => {}, { onFailure: 'retry' });
  });
});
