// The bus against its peers, all in this one process. Every handler does the same trivial work
// (adds one measurement to a counter that is reset before each batch), and every emitter is fed
// the same pre-built measurement and metadata objects, so the rows differ only by dispatch.
// Emits name their event with a literal, as applications do: a module-level constant read from
// inside a function is loaded and hole-checked on every call, a cost of the benchmark's own code.
//
// Every case is a function literal of its own, as in benchmark tools (tinybench, mitata): V8
// keeps one feedback vector and one compiled loop per literal, shared by every closure made from
// it, so a loop shared by several cases is compiled for all of them at once and each case's
// figure depends on the others. Each loop copies the inputs into locals first, as a function
// holds its arguments; the inputs are `let` bindings so that V8 cannot fold them into the loop
// as constants (it would then drop the handlers' property reads: an application's measurements
// are values built at run time, not constants the compiler knows).
import diagnosticsChannel from 'node:diagnostics_channel';
import { createTelemetry, type Measurements, type Telemetry } from '@isotel/core';
import EventEmitter2 from 'eventemitter2';
import { EventEmitter } from 'eventemitter3';
import {
  type BenchCase,
  type ExtraComparison,
  measureInOrder,
  measureInterleaved,
  type Row,
  rowsOf,
  type Suite,
} from '../harness.js';

const UNRELATED = 1000;
// `BENCH_DYNAMIC_NAMES=1 npm run bench bus` adds a case that emits names built at run time, to
// show what that does to the other rows: `emit`'s type feedback is shared by every caller
const DYNAMIC_NAMES = process.env.BENCH_DYNAMIC_NAMES === '1';
const BATCH = 100_000;
const ROUNDS = 25;

// the names the emit loops below spell as literals
const NAME = 'a.b.c';
const OTHER_NAME = 'a.b.d';
// biome-ignore lint/style/useConst: a let binding keeps V8 from folding the input into the loops
let measurements: Measurements = { value: 1 };
// biome-ignore lint/style/useConst: as above
let metadata = { route: '/checkout' };

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
  const empty = telemetry(() => {});
  const others = telemetry(otherNames);
  const exact1 = telemetry(exactHandlers(1));
  const exact10 = telemetry(exactHandlers(10));
  const star = telemetry(amongUnrelatedPatterns('a.*.c'));
  const globstar = telemetry(amongUnrelatedPatterns('a.**'));
  const lazyOthers = telemetry(otherNames);
  const othersAlternating = telemetry(otherNames);
  const alternating = telemetry((t) => {
    t.attach('h', NAME, onEvent);
    t.attach('h-other', OTHER_NAME, onEvent);
  });
  const dynamicNames = Array.from({ length: 32 }, (_, i) => `dynamic.n${i}.stop`);
  const dynamic = telemetry((t) => {
    for (const name of dynamicNames) t.attach(name, name, onEvent);
  });
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
  const bench = (name: string, run: (n: number) => void): BenchCase => ({ name, beforeBatch: reset, run });
  return [
    bench('isotel, nothing attached', (n) => {
      const m = measurements;
      const md = metadata;
      for (let i = 0; i < n; i++) empty.emit('a.b.c', m, md);
    }),
    bench('isotel, 1000 handlers on other names', (n) => {
      const m = measurements;
      const md = metadata;
      for (let i = 0; i < n; i++) others.emit('a.b.c', m, md);
    }),
    bench('isotel, 1 exact handler', (n) => {
      const m = measurements;
      const md = metadata;
      for (let i = 0; i < n; i++) exact1.emit('a.b.c', m, md);
    }),
    bench('isotel, 10 exact handlers', (n) => {
      const m = measurements;
      const md = metadata;
      for (let i = 0; i < n; i++) exact10.emit('a.b.c', m, md);
    }),
    bench('isotel, a.*.c among 1000 unrelated patterns', (n) => {
      const m = measurements;
      const md = metadata;
      for (let i = 0; i < n; i++) star.emit('a.b.c', m, md);
    }),
    bench('isotel, a.** among 1000 unrelated patterns', (n) => {
      const m = measurements;
      const md = metadata;
      for (let i = 0; i < n; i++) globstar.emit('a.b.c', m, md);
    }),
    // the bus remembers the last name it resolved; alternating two names shows the cost without it
    bench('isotel, 1 exact handler, two names alternating', (n) => {
      const m = measurements;
      const md = metadata;
      for (let i = 0; i < n; i += 2) {
        alternating.emit('a.b.c', m, md);
        alternating.emit('a.b.d', m, md);
      }
    }),
    bench('isotel, 1000 on other names, two names alternating', (n) => {
      const m = measurements;
      const md = metadata;
      for (let i = 0; i < n; i += 2) {
        othersAlternating.emit('a.b.c', m, md);
        othersAlternating.emit('a.b.d', m, md);
      }
    }),
    bench('isotel lazy, no listener (1000 on other names)', (n) => {
      const m = measurements;
      for (let i = 0; i < n; i++) lazyOthers.emit('a.b.c', () => [m, { route: String(i) }]);
    }),
    bench('isotel lazy, nothing attached', (n) => {
      const m = measurements;
      for (let i = 0; i < n; i++) empty.emit('a.b.c', () => [m, { route: String(i) }]);
    }),
    ...(DYNAMIC_NAMES
      ? [
          bench('isotel, 32 names built at run time, cycling', (n) => {
            const m = measurements;
            const md = metadata;
            for (let i = 0; i < n; i++) dynamic.emit(dynamicNames[i & 31] as string, m, md);
          }),
        ]
      : []),
    bench('diagnostics_channel, 0 subscribers', (n) => {
      const m = measurements;
      for (let i = 0; i < n; i++) dc0.publish(m);
    }),
    bench('diagnostics_channel, 1 subscriber', (n) => {
      const m = measurements;
      for (let i = 0; i < n; i++) dc1.publish(m);
    }),
    bench('eventemitter3, 0 listeners', (n) => {
      const m = measurements;
      const md = metadata;
      for (let i = 0; i < n; i++) e0.emit('a.b.c', m, md);
    }),
    bench('eventemitter3, 1000 on other events', (n) => {
      const m = measurements;
      const md = metadata;
      for (let i = 0; i < n; i++) eOther.emit('a.b.c', m, md);
    }),
    bench('eventemitter3, 1 listener', (n) => {
      const m = measurements;
      const md = metadata;
      for (let i = 0; i < n; i++) e1.emit('a.b.c', m, md);
    }),
    bench('eventemitter3, 10 listeners', (n) => {
      const m = measurements;
      const md = metadata;
      for (let i = 0; i < n; i++) e10.emit('a.b.c', m, md);
    }),
    bench('eventemitter2, a.*.c among 1000 unrelated', (n) => {
      const m = measurements;
      const md = metadata;
      for (let i = 0; i < n; i++) e2star.emit('a.b.c', m, md);
    }),
    bench('eventemitter2, a.** among 1000 unrelated', (n) => {
      const m = measurements;
      const md = metadata;
      for (let i = 0; i < n; i++) e2globstar.emit('a.b.c', m, md);
    }),
    bench('Map of arrays, 1000 on other names', (n) => {
      const m = measurements;
      const md = metadata;
      for (let i = 0; i < n; i++) naive0.emit('a.b.c', m, md);
    }),
    bench('Map of arrays, 1 handler', (n) => {
      const m = measurements;
      const md = metadata;
      for (let i = 0; i < n; i++) naive1.emit('a.b.c', m, md);
    }),
  ];
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

// The cases measured again one after the other, in two orders, before the interleaved rounds:
// whether a figure holds whatever ran before it (the peers' cases, or isotel's own).
const ORDERED = [
  'diagnostics_channel, 0 subscribers',
  'diagnostics_channel, 1 subscriber',
  'eventemitter3, 1 listener',
  'Map of arrays, 1 handler',
  'isotel, nothing attached',
  'isotel, 1 exact handler',
];

function orderedRows(all: readonly BenchCase[]): Row[] {
  const picked = all.filter((c) => ORDERED.includes(c.name));
  const isotel = picked.filter((c) => c.name.startsWith('isotel'));
  const peers = picked.filter((c) => !c.name.startsWith('isotel'));
  const rows: Row[] = [];
  const orders: [string, BenchCase[]][] = [
    ['peers first', [...peers, ...isotel]],
    ['isotel first', [...isotel, ...peers]],
  ];
  for (const [label, order] of orders) {
    const measured = measureInOrder(order, { rounds: 9, batch: BATCH });
    const get = (name: string): number => measured.get(name) as number;
    const dc0 = `diagnostics_channel, 0 subscribers (${label})`;
    const dc1 = `diagnostics_channel, 1 subscriber (${label})`;
    rows.push(
      { name: dc0, nsPerOp: get('diagnostics_channel, 0 subscribers') },
      { name: dc1, nsPerOp: get('diagnostics_channel, 1 subscriber') },
      {
        name: `isotel, nothing attached (${label})`,
        nsPerOp: get('isotel, nothing attached'),
        versus: { name: dc0, maxRatio: 1.5 },
      },
      {
        name: `isotel, 1 exact handler (${label})`,
        nsPerOp: get('isotel, 1 exact handler'),
        versus: { name: dc1, maxRatio: 1.0 },
      },
    );
  }
  return rows;
}

const suite: Suite = {
  title:
    'Bus: emit, ns/op, best of 25 interleaved rounds (lower is better); last rows: best of 9, one case after the other',
  run() {
    const all = cases();
    const ordered = orderedRows(all);
    const measured = measureInterleaved(all, { rounds: ROUNDS, batch: BATCH });
    const rows = [...rowsOf(measured, TARGETS, VS_EVENTEMITTER2), ...ordered];
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
