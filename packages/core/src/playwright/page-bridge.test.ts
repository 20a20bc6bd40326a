import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { Telemetry } from '../bus/telemetry.js';
import { sanitizeMetadata } from '../sanitize/sanitize-metadata.js';
import { type BridgedEvent, installPageBridge } from './page-bridge.js';

// The bridge runs in a browser page; here it runs on Node's globalThis against a real bus,
// under a registry key and binding name of its own so it never touches the default bus.
type Scope = Record<string | symbol, unknown>;
const scope = globalThis as unknown as Scope;
let n = 0;

function fresh() {
  n += 1;
  const options = { binding: `__bridgeTest${n}`, registryKey: `isotel.bridge-test.${n}`, handlerId: 'bridge' };
  const received: BridgedEvent[] = [];
  /** The batches, one per binding call. */
  const calls: BridgedEvent[][] = [];
  const bind = () => {
    scope[options.binding] = async (batch: BridgedEvent[]) => {
      calls.push(batch);
      received.push(...batch);
    };
  };
  const createBus = () => {
    const telemetry = new Telemetry();
    Object.defineProperty(globalThis, Symbol.for(options.registryKey), {
      value: { version: '0.1.0', telemetry },
      configurable: true,
    });
    return telemetry;
  };
  return { options, received, calls, bind, createBus };
}

/** Resolves after the microtask the bridge flushed in (it was queued by the first emit before). */
const flushed = () => new Promise<void>((resolve) => queueMicrotask(resolve));

const originalDefineProperty = Object.defineProperty;
afterEach(() => {
  expect(Object.defineProperty).toBe(originalDefineProperty);
});

describe('the page bridge forwards the default bus to the test', () => {
  it('sees the first event of a bus created after the bridge was installed, and restores defineProperty', async () => {
    const { options, received, bind, createBus } = fresh();
    bind();
    installPageBridge(options);
    expect(Object.defineProperty).not.toBe(originalDefineProperty);
    const bus = createBus();
    bus.emit('app.boot', { count: 1 }, { route: '/' });
    await flushed();
    expect(received.map((e) => [e.seq, e.name, e.measurements, e.metadata])).toEqual([
      [0, 'app.boot', { count: 1 }, { route: '/' }],
    ]);
  });

  it('attaches at once to a bus that already exists', async () => {
    const { options, received, bind, createBus } = fresh();
    bind();
    const bus = createBus();
    installPageBridge(options);
    bus.emit('app.ready');
    await flushed();
    expect(received.map((e) => e.name)).toEqual(['app.ready']);
  });

  it('buffers events until the binding exists, then delivers them in order', async () => {
    const { options, received, bind, createBus } = fresh();
    installPageBridge(options);
    const bus = createBus();
    bus.emit('a.one');
    bus.emit('a.two');
    expect(received).toEqual([]);
    bind();
    await expect.poll(() => received.map((e) => e.name)).toEqual(['a.one', 'a.two']);
    bus.emit('a.three');
    await flushed();
    expect(received.map((e) => [e.seq, e.name])).toEqual([
      [0, 'a.one'],
      [1, 'a.two'],
      [2, 'a.three'],
    ]);
  });

  it('hands a synchronous burst over in one binding call, keeping order and seq across flushes', async () => {
    const { options, received, calls, bind, createBus } = fresh();
    bind();
    installPageBridge(options);
    const bus = createBus();
    for (let i = 0; i < 500; i++) bus.emit('a.burst', { i });
    expect(calls).toEqual([]);
    await flushed();
    bus.emit('a.next', { i: 500 });
    await flushed();
    expect(calls.map((batch) => batch.length)).toEqual([500, 1]);
    const upTo500 = Array.from({ length: 501 }, (_, i) => i);
    expect(received.map((e) => e.seq)).toEqual(upTo500);
    expect(received.map((e) => e.measurements.i)).toEqual(upTo500);
  });

  it('splits a very long burst into binding calls of at most 1000 events', async () => {
    const { options, received, calls, bind, createBus } = fresh();
    bind();
    installPageBridge(options);
    const bus = createBus();
    for (let i = 0; i < 2500; i++) bus.emit('a.burst');
    await flushed();
    expect(calls.map((batch) => batch.length)).toEqual([1000, 1000, 500]);
    expect(received.map((e) => e.seq)).toEqual(Array.from({ length: 2500 }, (_, i) => i));
  });

  it('sends at once from pagehide on (a removed iframe never reaches its next microtask), batches again after pageshow', async () => {
    const listeners = new Map<string, () => void>();
    scope.addEventListener = (type: string, listener: () => void) => listeners.set(type, listener);
    try {
      const { options, received, bind, createBus } = fresh();
      bind();
      installPageBridge(options);
      const bus = createBus();
      bus.emit('a.queued');
      listeners.get('pagehide')?.();
      expect(received.map((e) => e.name)).toEqual(['a.queued']);
      bus.emit('a.unloading');
      expect(received.map((e) => e.name)).toEqual(['a.queued', 'a.unloading']);
      listeners.get('pageshow')?.();
      bus.emit('a.restored');
      expect(received).toHaveLength(2);
      await flushed();
      expect(received.map((e) => [e.seq, e.name])).toEqual([
        [0, 'a.queued'],
        [1, 'a.unloading'],
        [2, 'a.restored'],
      ]);
    } finally {
      delete scope.addEventListener;
    }
  });

  it('forwards measurements as the numbers emitted: NaN, ±Infinity and -0 stay numbers', async () => {
    const { options, received, bind, createBus } = fresh();
    bind();
    installPageBridge(options);
    const bus = createBus();
    const emitted = {
      nan: Number.NaN,
      inf: Number.POSITIVE_INFINITY,
      ninf: Number.NEGATIVE_INFINITY,
      zero: -0,
      ms: 1.5,
    };
    bus.emit('a.measured', emitted, { nan: Number.NaN });
    await flushed();
    const [event] = received;
    expect(event?.measurements).toEqual(emitted);
    expect(event?.measurements.zero).toBe(-0);
    // metadata keeps the rules of sanitizeMetadata
    expect(event?.metadata).toEqual({ nan: 'NaN' });
  });

  it('makes metadata JSON-safe: errors, bigints, cycles, functions and dates (the rules of sanitizeMetadata)', async () => {
    const { options, received, bind, createBus } = fresh();
    bind();
    installPageBridge(options);
    const bus = createBus();
    const cyclic: Record<string, unknown> = { id: 1 };
    cyclic.self = cyclic;
    bus.emit(
      'a.meta',
      { duration: 1.5 },
      {
        error: new TypeError('boom'),
        big: 10n,
        cyclic,
        fn: () => 1,
        when: new Date(0),
        list: [1, undefined, 'x'],
      },
    );
    await flushed();
    const [event] = received;
    expect(event?.metadata).toMatchObject({
      error: { name: 'TypeError', message: 'boom' },
      big: '10',
      cyclic: { id: 1, self: '[Circular]' },
      when: '1970-01-01T00:00:00.000Z',
      list: [1, 'x'],
    });
    expect(event?.metadata).not.toHaveProperty('fn');
    expect(JSON.parse(JSON.stringify(event))).toEqual(event);
  });

  it('records an event whose metadata has throwing getters or Proxies, and keeps seq contiguous', async () => {
    const { options, received, bind, createBus } = fresh();
    bind();
    installPageBridge(options);
    const bus = createBus();
    const hostile = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('no keys');
        },
      },
    );
    const getter = {
      get secret() {
        throw new Error('no');
      },
    };
    const coded = Object.assign(new Error('refused'), { code: 'ECONNREFUSED' });
    bus.emit('a.before');
    bus.emit('a.hostile', {}, { hostile, getter, tags: new Set(['a']), byId: new Map([['k', 1]]), coded });
    bus.emit('a.after');
    await flushed();
    expect(received.map((e) => [e.seq, e.name])).toEqual([
      [0, 'a.before'],
      [1, 'a.hostile'],
      [2, 'a.after'],
    ]);
    expect(received[1]?.metadata).toMatchObject({
      hostile: '[Unreadable]',
      getter: { secret: '[Unreadable]' },
      tags: ['a'],
      byId: [['k', 1]],
      coded: { name: 'Error', message: 'refused', code: 'ECONNREFUSED' },
    });
    expect(new Set(received.map((e) => e.loadId)).size).toBe(1);
  });

  it('forwards metadata exactly as sanitizeMetadata makes it', async () => {
    const { options, received, bind, createBus } = fresh();
    bind();
    installPageBridge(options);
    const bus = createBus();
    const deep = { a: { b: { c: { d: { e: { f: { g: 1 } } } } } } };
    const samples: unknown[] = [
      { deep, long: 'x'.repeat(5000), many: Array.from({ length: 300 }, (_, i) => i) },
      { wide: Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`k${i}`, i])) },
      { huge: Array.from({ length: 100 }, () => 'y'.repeat(1000)) },
      { typed: new Uint8Array([1, 2]), re: /a/g, buf: new ArrayBuffer(4), nan: Number.NaN, neg: -0 },
      { ['__proto__']: 1, constructor: 2, ok: 3 },
      [1, 2],
      'text',
    ];
    for (const sample of samples) bus.emit('a.sample', {}, sample as Record<string, unknown>);
    await flushed();
    expect(received.map((e) => e.metadata)).toEqual(samples.map((sample) => sanitizeMetadata(sample)));
    await fc.assert(
      fc.asyncProperty(
        fc.anything({ withBigInt: true, withMap: true, withSet: true, withDate: true }),
        async (value) => {
          received.length = 0;
          bus.emit('a.any', {}, value as Record<string, unknown>);
          await flushed();
          expect(received[0]?.metadata).toEqual(sanitizeMetadata(value));
        },
      ),
    );
  });
});
