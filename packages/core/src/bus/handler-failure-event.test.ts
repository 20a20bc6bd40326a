import { afterEach, describe, expect, it } from 'vitest';
import { type Logger, logger, setLogger } from '../log/logger.js';
import { createTelemetry, HANDLER_FAILURE_EVENT } from './telemetry.js';
import type { Measurements, Metadata } from './types.js';

function recordingLogger(): Logger & { errors: string[] } {
  const errors: string[] = [];
  return { errors, warn() {}, error: (message) => errors.push(message) };
}

describe('telemetry.handler.failure', () => {
  const original = logger();
  afterEach(() => setLogger(original));

  it('is emitted with { handlerId, event, error } when a handler throws', () => {
    const t = createTelemetry();
    const failures: [string, Measurements, Metadata][] = [];
    t.attach('watch-failures', HANDLER_FAILURE_EVENT, (name, m, md) => failures.push([name, m, md]));
    const error = new Error('boom');
    t.attach('broken', 'checkout.stop', () => {
      throw error;
    });
    t.emit('checkout.stop');
    expect(failures).toEqual([
      ['telemetry.handler.failure', { count: 1 }, { handlerId: 'broken', event: 'checkout.stop', error }],
    ]);
  });

  it('is emitted when a handler rejects, with the rejection reason as error', async () => {
    const t = createTelemetry();
    const failures: Metadata[] = [];
    t.attach('watch', 'telemetry.**', (_n, _m, md) => failures.push(md));
    t.attach('async', 'a', () => Promise.reject(new TypeError('bad')));
    t.emit('a');
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ handlerId: 'async', event: 'a' });
    expect(failures[0]?.error).toBeInstanceOf(TypeError);
  });

  it('reaches wildcard handlers of telemetry.** and **', () => {
    const t = createTelemetry();
    const seen: string[] = [];
    t.attach('everything', '**', (name) => seen.push(name), { onFailure: 'keep' });
    t.attach('broken', 'a', () => {
      throw new Error('x');
    });
    t.emit('a');
    expect(seen).toEqual(['a', HANDLER_FAILURE_EVENT]);
  });

  it('detaches a failing failure-handler without emitting another failure event (no loop)', () => {
    const logs = recordingLogger();
    setLogger(logs);
    const t = createTelemetry();
    let failureHandlerCalls = 0;
    t.attach(
      'broken-failure-handler',
      HANDLER_FAILURE_EVENT,
      () => {
        failureHandlerCalls++;
        throw new Error('cannot handle failures either');
      },
      { onFailure: 'keep' }, // detached anyway: a failure-handler failing is never kept
    );
    t.attach(
      'broken',
      'a',
      () => {
        throw new Error('first');
      },
      { onFailure: 'keep' },
    );
    t.emit('a');
    t.emit('a');
    expect(failureHandlerCalls).toBe(1);
    expect(t.listHandlers().map((h) => h.id)).toEqual(['broken']);
    expect(t.stats().handlerFailures).toBe(3);
    expect(logs.errors).toEqual([
      `Handler "broken-failure-handler" failed while handling "${HANDLER_FAILURE_EVENT}" and was detached.`,
    ]);
  });

  it('detaches a handler of ** that throws on every event after one failure event, without a loop', () => {
    setLogger(null);
    const t = createTelemetry();
    let calls = 0;
    t.attach(
      'always-throws',
      '**',
      () => {
        calls++;
        throw new Error('always');
      },
      { onFailure: 'keep' },
    );
    t.emit('a');
    // 1: 'a' fails (kept) -> failure event reaches the same handler, fails again -> detached
    expect(calls).toBe(2);
    expect(t.listHandlers()).toEqual([]);
    t.emit('a');
    expect(calls).toBe(2);
  });

  it('keeps a handler whose policy is keep when it fails in an event a failure handler emitted', () => {
    const log = recordingLogger();
    setLogger(log);
    const t = createTelemetry();
    const failures: unknown[] = [];
    t.attach('bad', 'a.b', () => {
      throw new Error('bad');
    });
    t.attach(
      'keeper',
      'c.d',
      () => {
        throw new Error('k');
      },
      { onFailure: 'keep' },
    );
    t.attach('on-failure', HANDLER_FAILURE_EVENT, (_n, _m, md) => {
      failures.push(md.handlerId);
      t.emit('c.d');
    });
    t.emit('a.b');
    // keeper is kept; its failure is logged rather than emitted, so nothing can loop
    expect(t.listHandlers().map((h) => h.id)).toEqual(['keeper', 'on-failure']);
    expect(failures).toEqual(['bad']);
    expect(log.errors).toEqual([
      'Handler "keeper" failed while handling "c.d" inside failure handling; no failure event is emitted for it.',
    ]);
    // outside failure handling it fails like any handler
    t.emit('c.d');
    expect(failures).toEqual(['bad', 'keeper']);
  });
});
