import { describe, expect, it } from 'vitest';
import { createTelemetry } from './telemetry.js';

function bus() {
  const t = createTelemetry();
  t.attach('payments', 'checkout.payment.stop', () => {}, { config: { unit: 'ms' } });
  t.attach('checkout-all', 'checkout.**', () => {});
  t.attach('any-stop', '*.*.stop', () => {});
  t.attach('db', 'db.query.*', () => {});
  t.attachMany('mixed', ['cart.add', 'checkout.start'], () => {});
  return t;
}

describe('listHandlers', () => {
  it('lists every handler in attach order with its patterns, config and policy', () => {
    const t = bus();
    expect(t.listHandlers()).toEqual([
      {
        id: 'payments',
        patterns: ['checkout.payment.stop'],
        config: { unit: 'ms' },
        onFailure: 'detach',
        calls: 0,
        failures: 0,
      },
      { id: 'checkout-all', patterns: ['checkout.**'], config: undefined, onFailure: 'detach', calls: 0, failures: 0 },
      { id: 'any-stop', patterns: ['*.*.stop'], config: undefined, onFailure: 'detach', calls: 0, failures: 0 },
      { id: 'db', patterns: ['db.query.*'], config: undefined, onFailure: 'detach', calls: 0, failures: 0 },
      {
        id: 'mixed',
        patterns: ['cart.add', 'checkout.start'],
        config: undefined,
        onFailure: 'detach',
        calls: 0,
        failures: 0,
      },
    ]);
  });

  it('filters by name prefix: handlers that can receive some event under it', () => {
    const t = bus();
    expect(t.listHandlers('checkout').map((h) => h.id)).toEqual(['payments', 'checkout-all', 'any-stop', 'mixed']);
    expect(t.listHandlers('db').map((h) => h.id)).toEqual(['any-stop', 'db']);
    expect(t.listHandlers('cart.add').map((h) => h.id)).toEqual(['any-stop', 'mixed']);
    expect(t.listHandlers('nothing.here').map((h) => h.id)).toEqual(['any-stop']);
    expect(t.listHandlers('nothing.here.at.all')).toEqual([]);
  });

  it('filters by pattern: handlers whose own pattern it matches', () => {
    const t = bus();
    expect(t.listHandlers('checkout.*').map((h) => h.id)).toEqual(['checkout-all', 'mixed']);
    expect(t.listHandlers('checkout.**').map((h) => h.id)).toEqual(['payments', 'checkout-all', 'mixed']);
    expect(t.listHandlers('**').map((h) => h.id)).toEqual(['payments', 'checkout-all', 'any-stop', 'db', 'mixed']);
  });

  it('counts calls and failures per handler', () => {
    const t = createTelemetry();
    t.attach('ok', 'a.*', () => {});
    t.attach(
      'flaky',
      'a.b',
      (_n, m) => {
        if (m.fail) throw new Error('flaky');
      },
      { onFailure: 'keep' },
    );
    t.emit('a.b', { fail: 1 });
    t.emit('a.b');
    t.emit('a.c');
    expect(t.listHandlers().map(({ id, calls, failures }) => ({ id, calls, failures }))).toEqual([
      { id: 'ok', calls: 3, failures: 0 },
      { id: 'flaky', calls: 2, failures: 1 },
    ]);
  });

  it('returns snapshots that later emits do not change', () => {
    const t = createTelemetry();
    t.attach('h', 'a', () => {});
    const before = t.listHandlers();
    t.emit('a');
    expect(before[0]?.calls).toBe(0);
    expect(t.listHandlers()[0]?.calls).toBe(1);
  });

  it('throws invalid_pattern for an invalid filter', () => {
    expect(() => bus().listHandlers('a..b')).toThrow(expect.objectContaining({ code: 'invalid_pattern' }));
  });
});
