import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withContext } from '../context/with-context.js';
import { logger, setLogger } from '../log/logger.js';
import { createTelemetry, HANDLER_FAILURE_EVENT } from './telemetry.js';
import type { Metadata } from './types.js';

// Values a buggy or hostile caller can hand the bus: they must cost at most their own event.
const unprintable = (): unknown[] => {
  const badMessage = new Error('x');
  Object.defineProperty(badMessage, 'message', {
    get() {
      throw new Error('message getter');
    },
  });
  const badToString = {
    toString() {
      throw new Error('toString');
    },
  };
  return [Object.create(null), badToString, badMessage];
};

const throwingGetter = (): Metadata =>
  Object.defineProperty({}, 'correlationId', {
    enumerable: true,
    get() {
      throw new Error('getter boom');
    },
  });

const throwingProxy = (): Metadata =>
  new Proxy(
    {},
    {
      get() {
        throw new Error('proxy get');
      },
      ownKeys() {
        throw new Error('proxy keys');
      },
    },
  );

describe('hostile values never escape emit', () => {
  const original = logger();
  const errors: string[] = [];
  beforeEach(() => {
    errors.length = 0;
    setLogger({ warn() {}, error: (message) => errors.push(message) });
  });
  afterEach(() => setLogger(original));

  it('isolates a handler that throws a value that cannot be printed, and reports it', () => {
    for (const thrown of unprintable()) {
      const t = createTelemetry();
      const order: string[] = [];
      const failures: unknown[] = [];
      t.attach(
        'bad',
        'x.y',
        () => {
          throw thrown;
        },
        { onFailure: 'keep' },
      );
      t.attach('good', 'x.y', () => order.push('good'));
      t.attach('failures', HANDLER_FAILURE_EVENT, (_n, _m, md) => failures.push(md.error));
      expect(() => t.emit('x.y')).not.toThrow();
      expect(order).toEqual(['good']);
      expect(failures).toEqual([thrown]);
      expect(typeof t.listHandlers().find((h) => h.id === 'bad')?.lastError).toBe('string');
    }
  });

  it('isolates an async handler that rejects with a value that cannot be printed', async () => {
    const t = createTelemetry();
    const failures: unknown[] = [];
    const [thrown] = unprintable();
    t.attach('bad', 'order.placed', async () => {
      throw thrown;
    });
    t.attach('failures', HANDLER_FAILURE_EVENT, (_n, _m, md) => failures.push(md.handlerId));
    t.emit('order.placed');
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(failures).toEqual(['bad']);
    expect(t.listHandlers().map((h) => h.id)).toEqual(['failures']);
  });

  it('drops, counts and logs an event whose metadata throws when read for a context or sampling', () => {
    const t = createTelemetry();
    const seen: string[] = [];
    t.attach('h', 'a.b', (name) => seen.push(name));
    for (const md of [throwingGetter(), throwingProxy()]) {
      expect(() => withContext({ correlationId: 'c' }, () => t.emit('a.b', {}, md))).not.toThrow();
    }
    t.control.set({ sampleRate: 0.5 });
    expect(() => t.emit('a.b', {}, throwingGetter())).not.toThrow();
    t.control.reset();
    expect(seen).toEqual([]);
    expect(t.stats().dropped.invalid_metadata).toBe(3);
    expect(errors).toEqual(Array(3).fill('The metadata of "a.b" could not be read; the event was dropped.'));
    // the next, readable, event goes through
    withContext({ correlationId: 'c' }, () => t.emit('a.b', {}, { ok: true }));
    expect(seen).toEqual(['a.b']);
  });

  it('drops a lazy event whose thunk returns a value that throws when read', () => {
    const t = createTelemetry();
    const seen: string[] = [];
    t.attach('h', 'a.b', (name) => seen.push(name));
    expect(() => t.emit('a.b', () => throwingProxy() as never)).not.toThrow();
    expect(seen).toEqual([]);
    expect(t.stats().dropped.thunk_failed).toBe(1);
  });

  it('records no span for metadata that cannot be read, runs the function, and counts the drop', () => {
    const t = createTelemetry();
    const seen: string[] = [];
    t.attach('h', 'job.*', (name) => seen.push(name));
    expect(t.span('job', throwingProxy(), (span) => span.recording)).toBe(false);
    expect(t.startSpan('job', throwingGetter()).recording).toBe(false);
    expect(seen).toEqual([]);
    expect(t.stats()).toMatchObject({ openSpans: 0, dropped: { invalid_metadata: 2 } });
  });

  it('ends a span whose end metadata cannot be read, without it', () => {
    const t = createTelemetry();
    const seen: Metadata[] = [];
    t.attach('h', 'job.stop', (_name, _m, md) => seen.push(md));
    const span = t.startSpan('job', { route: '/a' });
    expect(() => span.end(throwingProxy())).not.toThrow();
    expect(seen).toMatchObject([{ route: '/a', spanId: span.spanId }]);
    expect(errors).toEqual(['The end metadata of span "job.stop" could not be read and was left out.']);
  });

  it('counts an invalid span prefix, and runs the function, whatever the prefix is', () => {
    const t = createTelemetry();
    t.attach('h', '**', () => {});
    for (const prefix of ['bad prefix', 'a..b', Symbol('s'), 42, undefined]) {
      expect(t.span(prefix as unknown as string, {}, () => 'ran')).toBe('ran');
      expect(t.startSpan(prefix as unknown as string).recording).toBe(false);
    }
    expect(t.stats().dropped.invalid_name).toBe(10);
  });
});
