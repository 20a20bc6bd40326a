import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createTelemetry } from '../bus/telemetry.js';
// the Node entry, as `import '@isotel/core'` resolves on Node: it installs AsyncLocalStorage
import '../index.node.js';
import { captureEvents } from '../testing/index.js';
import { getContextManager } from './context.js';
import { bind, getContext, getCorrelationId, withContext } from './with-context.js';

describe('the Node entry installs AsyncLocalStorage context', () => {
  it('uses the async-local-storage manager after importing the Node entry', () => {
    expect(getContextManager().kind).toBe('async-local-storage');
  });

  it('keeps the correlation id across await', async () => {
    await withContext({ correlationId: 'req-1' }, async () => {
      await sleep(1);
      await Promise.resolve();
      expect(getCorrelationId()).toBe('req-1');
    });
    expect(getCorrelationId()).toBeUndefined();
  });

  it('keeps the correlation id in setTimeout, queueMicrotask and EventEmitter callbacks', async () => {
    const emitter = new EventEmitter();
    const seen: Array<string | undefined> = [];
    await withContext({ correlationId: 'req-2' }, async () => {
      emitter.on('ping', () => seen.push(getCorrelationId()));
      emitter.on(
        'ping',
        bind(() => seen.push(getCorrelationId())),
      );
      await new Promise<void>((resolve) =>
        setTimeout(() => {
          seen.push(getCorrelationId());
          resolve();
        }, 1),
      );
      await new Promise<void>((resolve) =>
        queueMicrotask(() => {
          seen.push(getCorrelationId());
          resolve();
        }),
      );
    });
    emitter.emit('ping'); // emitted outside the scope; the listener was added inside
    expect(seen.slice(0, 2)).toEqual(['req-2', 'req-2']);
    // a plain listener runs in the emitter's context; a bound one in the scope it was added in
    expect(seen.slice(2)).toEqual([undefined, 'req-2']);
    const bound = new EventEmitter();
    await withContext({ correlationId: 'req-3' }, async () => {
      await sleep(1);
      bound.on('ping', () => seen.push(getCorrelationId()));
      bound.emit('ping');
    });
    expect(seen[4]).toBe('req-3');
  });

  it('never mixes the ids of two concurrent requests', async () => {
    const t = createTelemetry();
    const capture = captureEvents(t, 'req.**');
    const handle = (id: string, delays: number[]) =>
      withContext({ correlationId: id }, async () => {
        for (const ms of delays) {
          await sleep(ms);
          t.emit('req.step', { ms }, { expected: id });
        }
        return t.span('req.work', { expected: id }, async () => {
          await sleep(1);
          return getCorrelationId();
        });
      });
    const results = await Promise.all([handle('a', [3, 1, 2]), handle('b', [1, 3, 1])]);
    expect(results).toEqual(['a', 'b']);
    expect(capture.events.length).toBe(10);
    for (const event of capture.events) expect(event.metadata.correlationId).toBe(event.metadata.expected);
  });

  it('reads the right context when executions alternate on microtasks, inside and outside scopes', async () => {
    // the manager keeps the context it last read per async execution: alternating executions
    // (each await resumes in a new one) and scopes entered and left in one must each be seen
    const t = createTelemetry();
    const capture = captureEvents(t, 'tick');
    const worker = (id: string | undefined) => async () => {
      for (let i = 0; i < 5; i++) {
        t.emit('tick', {}, { expected: id });
        await Promise.resolve();
        withContext({ correlationId: `${id}-inner` }, () => t.emit('tick', {}, { expected: `${id}-inner` }));
        t.emit('tick', {}, { expected: id });
      }
    };
    await Promise.all([
      withContext({ correlationId: 'x' }, worker('x')),
      worker(undefined)(),
      withContext({ correlationId: 'y' }, worker('y')),
    ]);
    expect(capture.events.length).toBe(45);
    for (const event of capture.events) expect(event.metadata.correlationId).toBe(event.metadata.expected);
  });

  it('makes an async span the parent of spans started after its awaits', async () => {
    const t = createTelemetry();
    const capture = captureEvents(t);
    await t.span('outer', {}, async () => {
      await sleep(1);
      await t.span('inner', {}, async () => sleep(1));
    });
    const outer = capture.events.find((e) => e.name === 'outer.start');
    const inner = capture.events.find((e) => e.name === 'inner.start');
    expect(inner?.metadata.parentSpanId).toBe(outer?.metadata.spanId);
  });
});

describe('emit adds the ambient correlation id', () => {
  it('adds correlationId to metadata without one, without mutating the caller object', () => {
    const t = createTelemetry();
    const capture = captureEvents(t);
    const md = { route: '/a' };
    withContext({ correlationId: 'req-9' }, () => t.emit('a.b', { count: 1 }, md));
    expect(capture.events[0]?.metadata).toEqual({ route: '/a', correlationId: 'req-9' });
    expect(md).toEqual({ route: '/a' });
  });

  it('keeps a correlationId the caller set', () => {
    const t = createTelemetry();
    const capture = captureEvents(t);
    withContext({ correlationId: 'ambient' }, () => t.emit('a.b', {}, { correlationId: 'explicit' }));
    expect(capture.events[0]?.metadata.correlationId).toBe('explicit');
  });

  it('adds nothing outside any context', () => {
    const t = createTelemetry();
    const capture = captureEvents(t);
    const md = { route: '/a' };
    t.emit('a.b', {}, md);
    expect(capture.events[0]?.metadata).toBe(md);
  });

  it('keeps a __proto__ key of parsed input out of the baggage’s prototype', () => {
    const values = JSON.parse('{"__proto__": {"polluted": "yes"}, "tenant": "acme"}');
    withContext(values, () => {
      const baggage = getContext()?.baggage as Record<string, unknown>;
      expect(baggage.polluted).toBeUndefined();
      expect(Object.getPrototypeOf(baggage)).toBe(Object.prototype);
      expect(baggage).toEqual({ tenant: 'acme' });
    });
  });

  it('makes a new UUIDv7 correlation id when none is given or inherited, and keeps baggage', () => {
    withContext({ tenant: 'acme' }, () => {
      const outer = getCorrelationId();
      expect(outer).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      withContext({ user: 'u1' }, () => {
        expect(getCorrelationId()).toBe(outer);
        expect(getContext()?.baggage).toEqual({ tenant: 'acme', user: 'u1' });
      });
    });
  });
});
