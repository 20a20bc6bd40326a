import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTelemetry } from '../bus/telemetry.js';
import type { Measurements, Metadata } from '../bus/types.js';
import { captureEvents } from '../testing/index.js';

interface Seen {
  name: string;
  m: Measurements;
  md: Metadata;
}

function recorder(pattern = 'job.**') {
  const t = createTelemetry();
  const seen: Seen[] = [];
  t.attach('rec', pattern, (name, m, md) => {
    seen.push({ name, m, md });
  });
  return { t, seen };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('span emits start and stop with the measurements of the design', () => {
  it('emits job.start { monotonicTime, systemTime } and job.stop { duration, monotonicTime } with one spanId', () => {
    const { t, seen } = recorder();
    const before = Date.now();
    const result = t.span('job', { queue: 'mail' }, () => 42);
    expect(result).toBe(42);
    expect(seen.map((e) => e.name)).toEqual(['job.start', 'job.stop']);
    const [start, stop] = seen as [Seen, Seen];
    expect(Object.keys(start.m).sort()).toEqual(['monotonicTime', 'systemTime']);
    expect(Object.keys(stop.m).sort()).toEqual(['duration', 'monotonicTime']);
    expect(start.m.systemTime).toBeGreaterThanOrEqual(before - 5);
    expect(start.m.systemTime).toBeLessThanOrEqual(Date.now() + 5);
    expect(stop.m.duration).toBeGreaterThanOrEqual(0);
    expect(stop.m.monotonicTime).toBeCloseTo((start.m.monotonicTime as number) + (stop.m.duration as number), 6);
    expect(start.md.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(stop.md.spanId).toBe(start.md.spanId);
    expect(start.md.queue).toBe('mail');
    expect(start.md).not.toHaveProperty('parentSpanId');
  });

  it('gives stop the start metadata plus what the span set and end() added', () => {
    const { t, seen } = recorder();
    t.span('job', { queue: 'mail' }, (span) => {
      span.set('attempt', 2);
    });
    const s = t.startSpan('job', { queue: 'sms' });
    s.end({ outcome: 'ok' });
    expect(seen[1]?.md).toMatchObject({ queue: 'mail', attempt: 2 });
    expect(seen[3]?.md).toMatchObject({ queue: 'sms', outcome: 'ok', spanId: seen[2]?.md.spanId });
  });

  it('lets the standard keys win over caller keys of the same name, without touching the caller object', () => {
    const { t, seen } = recorder();
    const md = { spanId: 'mine', parentSpanId: 'mine-too', note: 'x' };
    t.span('job', md, (span) => {
      span.set('spanId', 'overwritten?');
    });
    expect(seen[0]?.md.spanId).not.toBe('mine');
    expect(seen[0]?.md).not.toHaveProperty('parentSpanId');
    expect(seen[1]?.md.spanId).toBe(seen[0]?.md.spanId);
    expect(md).toEqual({ spanId: 'mine', parentSpanId: 'mine-too', note: 'x' });
  });

  it('links a nested span to its parent through parentSpanId', () => {
    const { t, seen } = recorder('**');
    t.span('outer', {}, () => {
      t.span('inner', {}, () => {});
    });
    const outer = seen.find((e) => e.name === 'outer.start');
    const inner = seen.find((e) => e.name === 'inner.stop');
    expect(inner?.md.parentSpanId).toBe(outer?.md.spanId);
  });
});

describe('span failures emit exception and rethrow the same error', () => {
  it('emits job.exception with kind and error, then rethrows the very same error', () => {
    const { t, seen } = recorder();
    const boom = new TypeError('boom');
    let caught: unknown;
    try {
      t.span('job', { queue: 'mail' }, () => {
        throw boom;
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBe(boom);
    expect(seen.map((e) => e.name)).toEqual(['job.start', 'job.exception']);
    expect(seen[1]?.md).toMatchObject({ queue: 'mail', kind: 'error', error: boom, spanId: seen[0]?.md.spanId });
    expect(Object.keys(seen[1]?.m ?? {}).sort()).toEqual(['duration', 'monotonicTime']);
  });

  it('marks a thrown non-Error value as kind "throw"', () => {
    const { t, seen } = recorder();
    expect(() =>
      t.span('job', {}, () => {
        throw 'plain';
      }),
    ).toThrow('plain');
    expect(seen[1]?.md).toMatchObject({ kind: 'throw', error: 'plain' });
  });

  it('returns the same promise for an async function and stops after it resolves', async () => {
    const { t, seen } = recorder();
    const inner = Promise.resolve('done');
    const returned = t.span('job', {}, () => inner);
    expect(returned).toBe(inner);
    expect(seen.map((e) => e.name)).toEqual(['job.start']);
    await expect(returned).resolves.toBe('done');
    expect(seen.map((e) => e.name)).toEqual(['job.start', 'job.stop']);
  });

  it('returns the same rejected promise and emits exception with the same error', async () => {
    const { t, seen } = recorder();
    const boom = new Error('async boom');
    const failing = Promise.reject(boom);
    const returned = t.span('job', {}, () => failing);
    expect(returned).toBe(failing);
    await expect(returned).rejects.toBe(boom);
    expect(seen[1]).toMatchObject({ name: 'job.exception', md: { kind: 'error', error: boom } });
  });
});

describe('span handles', () => {
  it('ignores a second end or fail', () => {
    const { t, seen } = recorder();
    const s = t.startSpan('job');
    s.end();
    s.end();
    s.fail(new Error('late'));
    expect(seen.map((e) => e.name)).toEqual(['job.start', 'job.stop']);
    expect(s.ended).toBe(true);
  });

  it('counts spans never ended as open in stats', () => {
    const { t } = recorder();
    const a = t.startSpan('job');
    t.startSpan('job');
    expect(t.stats().openSpans).toBe(2);
    a.end();
    expect(t.stats().openSpans).toBe(1);
  });

  it('makes the handle the parent of spans started inside run()', () => {
    const { t, seen } = recorder('**');
    const outer = t.startSpan('outer');
    outer.run(() => t.span('inner', {}, () => {}));
    outer.end();
    expect(seen.find((e) => e.name === 'inner.start')?.md.parentSpanId).toBe(outer.spanId);
  });
});

describe('span with nobody listening', () => {
  it('reads no clock, emits nothing and still runs the function', () => {
    const t = createTelemetry();
    t.attach('elsewhere', 'other.**', () => {});
    const now = vi.spyOn(performance, 'now');
    const result = t.span('job', { a: 1 }, (span) => {
      expect(span.recording).toBe(false);
      return 'ran';
    });
    const handle = t.startSpan('job');
    handle.end();
    expect(result).toBe('ran');
    expect(now).not.toHaveBeenCalled();
    expect(t.stats().openSpans).toBe(0);
  });

  it('reads no clock on an instance with no handler at all', () => {
    const t = createTelemetry();
    const now = vi.spyOn(performance, 'now');
    t.span('job', undefined, () => {});
    expect(now).not.toHaveBeenCalled();
  });

  it('starts recording once a handler attaches, and stops once it detaches', () => {
    const t = createTelemetry();
    t.attach('elsewhere', 'other.**', () => {});
    expect(t.span('job', {}, (span) => span.recording)).toBe(false);
    const capture = captureEvents(t, 'job.*');
    expect(t.span('job', {}, (span) => span.recording)).toBe(true);
    capture.detach();
    expect(t.span('job', {}, (span) => span.recording)).toBe(false);
    expect(capture.names).toEqual(['job.start', 'job.stop']);
  });

  it('records when only the exception event is listened to', () => {
    const t = createTelemetry();
    const capture = captureEvents(t, 'job.exception');
    expect(() =>
      t.span('job', {}, () => {
        throw new Error('x');
      }),
    ).toThrow('x');
    expect(capture.names).toEqual(['job.exception']);
  });
});

describe('span with a hostile thenable', () => {
  it('ends the span and returns the value when reading or calling then throws', () => {
    const t = createTelemetry();
    const capture = captureEvents(t, 'job.*');
    const getter = Object.defineProperty({}, 'then', {
      get() {
        throw new Error('then getter');
      },
    });
    const method = {
      // biome-ignore lint/suspicious/noThenProperty: the point of the test
      then() {
        throw new Error('then method');
      },
    };
    expect(t.span('job', {}, () => getter)).toBe(getter);
    expect(t.span('job', {}, () => method)).toBe(method);
    expect(capture.names).toEqual(['job.start', 'job.stop', 'job.start', 'job.stop']);
    expect(t.stats().openSpans).toBe(0);
  });

  it('calls the then of a thenable that is not a Promise once, and returns the promise it gives', async () => {
    // a lazy query builder: every call of then runs the query
    let executions = 0;
    const query = {
      // biome-ignore lint/suspicious/noThenProperty: the point of the test
      then<T>(resolve: (rows: { id: number }[]) => T, reject: (error: unknown) => T) {
        executions++;
        return Promise.resolve([{ id: 1 }]).then(resolve, reject);
      },
    };
    const t = createTelemetry();
    const capture = captureEvents(t, 'db.**');
    const rows = await t.span('db.query', {}, () => query);
    expect(rows).toEqual([{ id: 1 }]);
    expect(executions).toBe(1);
    expect(capture.names).toEqual(['db.query.start', 'db.query.stop']);

    const failing = {
      // biome-ignore lint/suspicious/noThenProperty: the point of the test
      then<T>(resolve: (v: never) => T, reject: (error: unknown) => T) {
        return Promise.reject(new Error('query failed')).then(resolve, reject);
      },
    };
    await expect(t.span('db.query', {}, () => failing)).rejects.toThrow('query failed');
    expect(capture.names.slice(2)).toEqual(['db.query.start', 'db.query.exception']);
  });
});
