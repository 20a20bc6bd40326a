import { afterEach, describe, expect, it, vi } from 'vitest';
import { describeExpectation } from './expectation.js';
import type { BridgedEvent } from './page-bridge.js';
import { PageTelemetry } from './page-telemetry.js';

// PageTelemetry is plain Node code: the binding calls `receive` with batches from the page.
let seq = 0;
const bridged = (name: string, metadata: Record<string, unknown> = {}): BridgedEvent => ({
  seq: seq++,
  name,
  measurements: {},
  metadata,
  loadId: 'l',
  time: 0,
  url: 'http://x/',
});

afterEach(() => {
  vi.useRealTimers();
});

describe('a predicate that throws', () => {
  it('rejects its own wait at once with the error as cause; other waiters and later events are unaffected', async () => {
    const telemetry = new PageTelemetry();
    const boom = telemetry.waitForEvent('a.*', { metadata: { items: (v) => (v as unknown[]).length === 2 } });
    const other = telemetry.waitForEvent('a.two', { timeout: 1000 });
    const later = telemetry.waitForEvent('a.three', { timeout: 1000 });
    telemetry.receive(undefined, [bridged('a.one'), bridged('a.two'), bridged('a.three')]);
    const error = await boom.then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toMatch(/predicate .*threw.*"a\.one"/);
    expect(error?.cause).toBeInstanceOf(TypeError);
    expect((await other).name).toBe('a.two');
    expect((await later).name).toBe('a.three');
    expect(telemetry.events().map((e) => e.name)).toEqual(['a.one', 'a.two', 'a.three']);
  });

  it('in events() throws with the error as cause', () => {
    const telemetry = new PageTelemetry();
    telemetry.receive(undefined, [bridged('a.one')]);
    expect(() =>
      telemetry.events('a.*', {
        metadata: {
          x: () => {
            throw new Error('bad');
          },
        },
      }),
    ).toThrow(/predicate .*threw/);
  });

  it('in expectNoEvent rejects it at once', async () => {
    const telemetry = new PageTelemetry();
    const none = telemetry.expectNoEvent('a.*', {
      within: 5000,
      metadata: {
        x: () => {
          throw new Error('bad');
        },
      },
    });
    telemetry.receive(undefined, [bridged('a.one')]);
    await expect(none).rejects.toThrow(/predicate .*threw/);
  });
});

describe('predicates nested in an expectation', () => {
  it('waitForEvent resolves with the event whose nested value passes', async () => {
    const telemetry = new PageTelemetry();
    const waiting = telemetry.waitForEvent('checkout.order.stop', {
      metadata: { order: { id: (v) => typeof v === 'string' && v.startsWith('o-') } },
      timeout: 1000,
    });
    telemetry.receive(undefined, [
      bridged('checkout.order.stop', { order: { id: 'x-1' } }),
      bridged('checkout.order.stop', { order: { id: 'o-2' } }),
    ]);
    expect((await waiting).metadata).toEqual({ order: { id: 'o-2' } });
  });

  it('a nested predicate that throws fails its call like a top-level one', () => {
    const telemetry = new PageTelemetry();
    telemetry.receive(undefined, [bridged('a.one', { order: { items: null } })]);
    expect(() =>
      telemetry.events('a.*', { metadata: { order: { items: (v) => (v as unknown[]).length > 0 } } }),
    ).toThrow(/predicate .*threw on event "a\.one"/);
  });
});

describe('expectations that JSON cannot show', () => {
  it('describeExpectation never throws on BigInt or cyclic values', () => {
    const cyclic: Record<string, unknown> = { id: 1 };
    cyclic.self = cyclic;
    expect(describeExpectation({ metadata: { big: 10n, cyclic, u: undefined, s: Symbol('s') } })).toBe(
      ' with metadata { big: 10n, cyclic: {"id":1,"self":"[Circular]"}, u: undefined, s: Symbol(s) }',
    );
  });

  it('describeExpectation shows nested predicates and non-finite numbers', () => {
    expect(describeExpectation({ measurements: { ratio: Number.NaN }, metadata: { order: { id: () => true } } })).toBe(
      ' with measurements { ratio: "NaN" } and metadata { order: {"id":"<predicate>"} }',
    );
  });

  it('a wait for a BigInt value times out with a message instead of an uncaught TypeError', async () => {
    const telemetry = new PageTelemetry();
    await expect(telemetry.waitForEvent('a.one', { metadata: { big: 10n }, timeout: 20 })).rejects.toThrow(
      /No event "a\.one" with metadata \{ big: 10n \} within 20 ms/,
    );
  });
});

describe('timeouts', () => {
  it('rejects a timeout or within that is not a non-negative number, or within that is infinite', () => {
    const telemetry = new PageTelemetry();
    for (const timeout of [-1, Number.NaN, '10' as unknown as number]) {
      expect(() => telemetry.waitForEvent('a.b', { timeout })).toThrow(
        expect.objectContaining({ code: 'invalid_argument' }),
      );
    }
    for (const within of [Number.POSITIVE_INFINITY, -1, Number.NaN, 2 ** 31]) {
      expect(() => telemetry.expectNoEvent('a.b', { within })).toThrow(
        expect.objectContaining({ code: 'invalid_argument' }),
      );
    }
    expect(() => telemetry.waitForEvent('a.b', { timeout: 2 ** 31 })).toThrow(
      expect.objectContaining({ code: 'invalid_argument' }),
    );
  });

  it('timeout: Infinity waits until an event or teardown, not ~1 ms', async () => {
    vi.useFakeTimers();
    const telemetry = new PageTelemetry();
    const settled = vi.fn();
    const waiting = telemetry.waitForEvent('a.b', { timeout: Number.POSITIVE_INFINITY }).then(settled, settled);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(settled).not.toHaveBeenCalled();
    telemetry.receive(undefined, [bridged('a.b')]);
    await waiting;
    expect(settled).toHaveBeenCalledWith(expect.objectContaining({ name: 'a.b' }));
  });
});

describe('dispose (fixture teardown, context close)', () => {
  it('rejects pending waits with a clear message, clears their timers and refuses new waits', async () => {
    vi.useFakeTimers();
    const telemetry = new PageTelemetry();
    const waiting = telemetry.waitForEvent('never.x', { timeout: 1000 });
    const none = telemetry.expectNoEvent('never.y', { within: 1000 });
    const forever = telemetry.waitForEvent('never.z', { timeout: Number.POSITIVE_INFINITY });
    telemetry.dispose('the test ended');
    await expect(waiting).rejects.toThrow(/waitForEvent\("never\.x"\) was still pending when the test ended/);
    await expect(none).rejects.toThrow(/expectNoEvent\("never\.y"\) was still pending when the test ended/);
    await expect(forever).rejects.toThrow(/still pending/);
    expect(vi.getTimerCount()).toBe(0);
    await expect(telemetry.waitForEvent('late.x')).rejects.toThrow(/the test ended/);
  });
});
