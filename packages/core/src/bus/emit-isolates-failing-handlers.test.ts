import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { logger, setLogger } from '../log/logger.js';
import { createTelemetry } from './telemetry.js';

const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

describe('a failing handler is isolated and counted', () => {
  const original = logger();
  beforeEach(() => setLogger(null));
  afterEach(() => setLogger(original));

  it('keeps running the other handlers when one throws, and emit does not throw', () => {
    const t = createTelemetry();
    const order: string[] = [];
    t.attach('before', 'a', () => order.push('before'));
    t.attach('broken', 'a', () => {
      throw new Error('boom');
    });
    t.attach('after', 'a', () => order.push('after'));
    expect(() => t.emit('a')).not.toThrow();
    expect(order).toEqual(['before', 'after']);
    expect(t.stats().handlerFailures).toBe(1);
  });

  it('does not detach a new handler under the same id when the old one rejects after its detach', async () => {
    const t = createTelemetry();
    let reject: (error: Error) => void = () => {};
    t.attach('h', 'a', () => new Promise<void>((_resolve, rejectLater) => (reject = rejectLater)));
    t.emit('a');
    t.detach('h');
    const calls: string[] = [];
    t.attach('h', 'a', () => {
      calls.push('new');
    });
    reject(new Error('late'));
    await tick();
    expect(t.stats().handlerFailures).toBe(1);
    t.emit('a');
    expect(calls).toEqual(['new']);
    expect(t.listHandlers()).toMatchObject([{ id: 'h', calls: 1, failures: 0 }]);
  });

  it('counts a handler whose returned promise rejects as a failure, without an unhandled rejection', async () => {
    const t = createTelemetry();
    t.attach(
      'async',
      'a',
      async () => {
        throw new Error('later');
      },
      { onFailure: 'keep' },
    );
    t.emit('a');
    expect(t.stats().handlerFailures).toBe(0); // the rejection is seen asynchronously
    await tick();
    expect(t.stats().handlerFailures).toBe(1);
    expect(t.listHandlers()[0]).toMatchObject({ id: 'async', calls: 1, failures: 1, lastError: 'later' });
  });

  it("detaches a failing handler by default, like :telemetry ('detach')", () => {
    const t = createTelemetry();
    let calls = 0;
    t.attach('flaky', 'a', () => {
      calls++;
      throw new Error('boom');
    });
    t.emit('a');
    t.emit('a');
    expect(calls).toBe(1);
    expect(t.listHandlers().map((h) => h.id)).toEqual([]);
  });

  it('leaves the bus with nothing attached when its last handler fails and is detached', () => {
    const t = createTelemetry();
    t.attach('only', 'a.b', () => {
      throw new Error('boom');
    });
    t.emit('a.b');
    expect(t.stats().handlers).toBe(0);
    expect(t.hasHandlers('a.b')).toBe(false);
    // emitting again reaches nobody and counts nothing more
    t.emit('a.b');
    expect(t.stats().handlerFailures).toBe(1);
    // a handler attached afterwards under the same name gets the next event: no stale memo
    const seen: string[] = [];
    t.attach('next', 'a.b', (name) => seen.push(name));
    t.emit('a.b');
    expect(seen).toEqual(['a.b']);
  });

  it('detaches a rejecting handler by default once the rejection settles', async () => {
    const t = createTelemetry();
    t.attach('async', 'a', () => Promise.reject(new Error('nope')));
    t.emit('a');
    expect(t.listHandlers()).toHaveLength(1);
    await tick();
    expect(t.listHandlers()).toHaveLength(0);
  });

  it("keeps a failing handler attached with onFailure 'keep' and counts every failure", () => {
    const t = createTelemetry();
    t.attach(
      'kept',
      'a',
      (_name, m) => {
        if (m.fail) throw new Error(`fail ${m.fail}`);
      },
      { onFailure: 'keep' },
    );
    t.emit('a', { fail: 1 });
    t.emit('a', { fail: 0 });
    t.emit('a', { fail: 2 });
    expect(t.listHandlers()).toEqual([
      expect.objectContaining({ id: 'kept', onFailure: 'keep', calls: 3, failures: 2, lastError: 'fail 2' }),
    ]);
    expect(t.stats().handlerFailures).toBe(2);
  });

  it('does not count a handler returning a non-promise value (null, number, object) as failed', () => {
    const t = createTelemetry();
    // an object whose `then` is not a function is not a promise
    const notThenable = Object.fromEntries([['then', 'not a function']]);
    const returns: unknown[] = [null, 0, 'text', notThenable, [1]];
    returns.forEach((value, i) => {
      t.attach(`returns-${i}`, 'a', () => value);
    });
    t.emit('a');
    expect(t.stats().handlerFailures).toBe(0);
    expect(t.listHandlers()).toHaveLength(returns.length);
  });

  it('records a non-Error throw as its string form', () => {
    const t = createTelemetry();
    t.attach(
      'odd',
      'a',
      () => {
        throw 'plain string';
      },
      { onFailure: 'keep' },
    );
    t.emit('a');
    expect(t.listHandlers()[0]?.lastError).toBe('plain string');
  });
});
