// The bus against its peers, all in this one process. Every handler does the same trivial work
// (adds one measurement to a counter that is reset before each batch), and every emitter is fed
// the same pre-built measurement and metadata objects, so the rows differ only by dispatch.
// Emits name their event with a literal, as applications do: a module-level constant read from
// inside a function is loaded and hole-checked on every call, a cost of the benchmark's own code.
import diagnosticsChannel from 'node:diagnostics_channel';
import { createTelemetry, type Measurements, type Telemetry } from '@isotel/core';
import EventEmitter2 from 'eventemitter2';
import { EventEmitter } from 'eventemitter3';
import { type BenchCase, type ExtraComparison, measureInterleaved, type Row, rowsOf, type Suite } from '../harness.js';

const UNRELATED = 1000;
const BATCH = 100_000;
const ROUNDS = 25;

// the names the emit loops below spell as literals
const NAME = 'a.b.c';
const OTHER_NAME = 'a.b.d';
const measurements: Measurements = { value: 1 };
const metadata = { route: '/checkout' };

let counter = 0;
const reset = (): void => {
  counter = 0;
};
const onEvent = (_name: string, m: Measurements): void => {
  counter += m.value as number;
};
const onMessage = (m: unknown): void => {
  counter += (m as Measurements).value as number;
};

function telemetry(setup: (t: Telemetry) => void): Telemetry {
  const t = createTelemetry();
  setup(t);
  return t;
}

function exactHandlers(count: number): (t: Telemetry) => void {
  return (t) => {
    for (let i = 0; i < count; i++) t.attach(`h${i}`, NAME, onEvent);
  };
}

function otherNames(t: Telemetry): void {
  for (let i = 0; i < UNRELATED; i++) t.attach(`other${i}`, `other.n${i}.stop`, onEvent);
}

function amongUnrelatedPatterns(pattern: string): (t: Telemetry) => void {
  return (t) => {
    for (let i = 0; i < UNRELATED; i++) t.attach(`other${i}`, `other${i}.*.stop`, onEvent);
    t.attach('target', pattern, onEvent);
  };
}

function isotelCase(name: string, t: Telemetry): BenchCase {
  return {
    name,
    beforeBatch: reset,
    run(n) {
      for (let i = 0; i < n; i++) t.emit('a.b.c', measurements, metadata);
    },
  };
}

function ee3(listeners: number, otherEvents = 0): EventEmitter {
  const e = new EventEmitter();
  for (let i = 0; i < listeners; i++) e.on(NAME, onMessage);
  for (let i = 0; i < otherEvents; i++) e.on(`other.n${i}.stop`, onMessage);
  return e;
}

function ee2(pattern: string): EventEmitter2 {
  const e = new EventEmitter2({ wildcard: true, delimiter: '.', maxListeners: 0 });
  for (let i = 0; i < UNRELATED; i++) e.on(`other${i}.*.stop`, onMessage);
  e.on(pattern, onMessage);
  return e;
}

function channel(subscribers: number): diagnosticsChannel.Channel {
  const ch = diagnosticsChannel.channel(`isotel.bench.${subscribers}`);
  for (let i = 0; i < subscribers; i++) ch.subscribe(onMessage);
  return ch;
}

/** The simplest correct bus: a Map from exact name to an array of handlers. */
class NaiveBus {
  readonly #handlers = new Map<string, ((name: string, m: Measurements, md: unknown) => void)[]>();
  on(name: string, fn: (name: string, m: Measurements, md: unknown) => void): void {
    const list = this.#handlers.get(name);
    if (list === undefined) this.#handlers.set(name, [fn]);
    else list.push(fn);
  }
  emit(name: string, m: Measurements, md: unknown): void {
    const list = this.#handlers.get(name);
    if (list === undefined) return;
    for (let i = 0; i < list.length; i++)
      (list[i] as (name: string, m: Measurements, md: unknown) => void)(name, m, md);
  }
}

function naive(listeners: number): NaiveBus {
  const bus = new NaiveBus();
  for (let i = 0; i < UNRELATED; i++) bus.on(`other.n${i}.stop`, onEvent);
  for (let i = 0; i < listeners; i++) bus.on(NAME, onEvent);
  return bus;
}

function cases(): BenchCase[] {
  const lazyBus = telemetry(otherNames);
  const otherAlternating = telemetry(otherNames);
  const alternating = telemetry((t) => {
    t.attach('h', NAME, onEvent);
    t.attach('h-other', OTHER_NAME, onEvent);
  });
  const emptyBus = telemetry(() => {});
  const dc0 = channel(0);
  const dc1 = channel(1);
  const e0 = ee3(0);
  const e1 = ee3(1);
  const e10 = ee3(10);
  const eOther = ee3(0, UNRELATED);
  const e2star = ee2('a.*.c');
  const e2globstar = ee2('a.**');
  const naive0 = naive(0);
  const naive1 = naive(1);
  return [
    isotelCase('isotel, nothing attached', emptyBus),
    isotelCase('isotel, 1000 handlers on other names', telemetry(otherNames)),
    isotelCase('isotel, 1 exact handler', telemetry(exactHandlers(1))),
    isotelCase('isotel, 10 exact handlers', telemetry(exactHandlers(10))),
    isotelCase('isotel, a.*.c among 1000 unrelated patterns', telemetry(amongUnrelatedPatterns('a.*.c'))),
    isotelCase('isotel, a.** among 1000 unrelated patterns', telemetry(amongUnrelatedPatterns('a.**'))),
    {
      // the bus remembers the last name it resolved; alternating two names shows the cost without it
      name: 'isotel, 1 exact handler, two names alternating',
      beforeBatch: reset,
      run(n) {
        for (let i = 0; i < n; i += 2) {
          alternating.emit('a.b.c', measurements, metadata);
          alternating.emit('a.b.d', measurements, metadata);
        }
      },
    },
    {
      name: 'isotel, 1000 on other names, two names alternating',
      beforeBatch: reset,
      run(n) {
        for (let i = 0; i < n; i += 2) {
          otherAlternating.emit('a.b.c', measurements, metadata);
          otherAlternating.emit('a.b.d', measurements, metadata);
        }
      },
    },
    {
      name: 'isotel lazy, no listener (1000 on other names)',
      beforeBatch: reset,
      run(n) {
        for (let i = 0; i < n; i++) lazyBus.emit('a.b.c', () => [measurements, { route: String(i) }]);
      },
    },
    {
      name: 'isotel lazy, nothing attached',
      beforeBatch: reset,
      run(n) {
        for (let i = 0; i < n; i++) emptyBus.emit('a.b.c', () => [measurements, { route: String(i) }]);
      },
    },
    { name: 'diagnostics_channel, 0 subscribers', beforeBatch: reset, run: (n) => publish(dc0, n) },
    { name: 'diagnostics_channel, 1 subscriber', beforeBatch: reset, run: (n) => publish(dc1, n) },
    { name: 'eventemitter3, 0 listeners', beforeBatch: reset, run: (n) => emit3(e0, n) },
    { name: 'eventemitter3, 1000 on other events', beforeBatch: reset, run: (n) => emit3(eOther, n) },
    { name: 'eventemitter3, 1 listener', beforeBatch: reset, run: (n) => emit3(e1, n) },
    { name: 'eventemitter3, 10 listeners', beforeBatch: reset, run: (n) => emit3(e10, n) },
    { name: 'eventemitter2, a.*.c among 1000 unrelated', beforeBatch: reset, run: (n) => emit2(e2star, n) },
    { name: 'eventemitter2, a.** among 1000 unrelated', beforeBatch: reset, run: (n) => emit2(e2globstar, n) },
    { name: 'Map of arrays, 1000 on other names', beforeBatch: reset, run: (n) => emitNaive(naive0, n) },
    { name: 'Map of arrays, 1 handler', beforeBatch: reset, run: (n) => emitNaive(naive1, n) },
  ];
}

function publish(ch: diagnosticsChannel.Channel, n: number): void {
  for (let i = 0; i < n; i++) ch.publish(measurements);
}

function emit3(e: EventEmitter, n: number): void {
  for (let i = 0; i < n; i++) e.emit('a.b.c', measurements, metadata);
}

function emit2(e: EventEmitter2, n: number): void {
  for (let i = 0; i < n; i++) e.emit('a.b.c', measurements, metadata);
}

function emitNaive(bus: NaiveBus, n: number): void {
  for (let i = 0; i < n; i++) bus.emit('a.b.c', measurements, metadata);
}

const TARGETS: Record<string, Row['versus']> = {
  'isotel, nothing attached': { name: 'diagnostics_channel, 0 subscribers', maxRatio: 1.5 },
  'isotel, 1000 handlers on other names': { name: 'eventemitter3, 0 listeners', maxRatio: 0.5 },
  'isotel, 1 exact handler': { name: 'diagnostics_channel, 1 subscriber', maxRatio: 1.0 },
  'isotel, a.*.c among 1000 unrelated patterns': { name: 'isotel, 1 exact handler', maxRatio: 1.5 },
  'isotel, a.** among 1000 unrelated patterns': { name: 'isotel, 1 exact handler', maxRatio: 1.5 },
  'isotel, 10 exact handlers': { name: 'eventemitter3, 10 listeners' },
  'isotel lazy, no listener (1000 on other names)': { name: 'isotel, 1000 handlers on other names' },
  'Map of arrays, 1 handler': { name: 'isotel, 1 exact handler' },
  'isotel, 1 exact handler, two names alternating': { name: 'diagnostics_channel, 1 subscriber' },
  'isotel, 1000 on other names, two names alternating': { name: 'eventemitter3, 0 listeners' },
};

const VS_EVENTEMITTER2: Record<string, ExtraComparison[]> = {
  'isotel, a.*.c among 1000 unrelated patterns': [
    { label: 'vs eventemitter2', versus: { name: 'eventemitter2, a.*.c among 1000 unrelated', minSpeedup: 30 } },
  ],
  'isotel, a.** among 1000 unrelated patterns': [
    { label: 'vs eventemitter2', versus: { name: 'eventemitter2, a.** among 1000 unrelated', minSpeedup: 30 } },
  ],
};

/** Heap retained by a bus after emitting `count` distinct names to a wildcard handler. */
function heapAfterDistinctNames(count: number): {
  mib: number;
  cachedNames: number;
  nsPerName: number;
  baselineNs: number;
} {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const before = process.memoryUsage().heapUsed;
  const t = telemetry((bus) => {
    bus.attach('all-users', 'user.**', onEvent);
    bus.attach('exact', 'user.0.login', onEvent);
  });
  const start = performance.now();
  for (let i = 0; i < count; i++) t.emit(`user.${i}.login`, measurements, metadata);
  const nsPerName = ((performance.now() - start) * 1e6) / count;
  gc?.();
  const mib = (process.memoryUsage().heapUsed - before) / 2 ** 20;
  // what building the same names and storing each in a bounded Map costs, for scale
  const names = new Map<string, number>();
  const baselineStart = performance.now();
  for (let i = 0; i < count; i++) {
    if (names.size >= 10_000) names.clear();
    names.set(`user.${i}.login`, i);
  }
  const baselineNs = ((performance.now() - baselineStart) * 1e6) / count;
  return { mib, cachedNames: t.stats().cachedNames, nsPerName, baselineNs };
}

const suite: Suite = {
  title: 'Bus: emit, ns/op, best of 25 interleaved rounds (lower is better)',
  run() {
    const measured = measureInterleaved(cases(), { rounds: ROUNDS, batch: BATCH });
    const rows = rowsOf(measured, TARGETS, VS_EVENTEMITTER2);
    if (counter < 0) throw new Error('unreachable: keeps the handlers’ work observable');
    const heap = heapAfterDistinctNames(1_000_000);
    const gcNote =
      typeof (globalThis as { gc?: unknown }).gc === 'function' ? '' : ' (run with --expose-gc for a stable figure)';
    return {
      title: this.title,
      rows,
      notes: [
        `Heap after emitting 1,000,000 distinct names (\`user.<i>.login\`, one \`user.**\` and one exact handler): ` +
          `${heap.mib.toFixed(1)} MiB retained${gcNote}, ${heap.cachedNames} names cached (bound 10,000), ` +
          `${heap.nsPerName.toFixed(0)} ns per first-seen name (validate, match, cache), against ` +
          `${heap.baselineNs.toFixed(0)} ns to build each name and store it in a bounded Map.`,
      ],
    };
  },
};

export default suite;
