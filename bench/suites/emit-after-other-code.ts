// Issue 24's "1 exact handler ≤ 1.0× diagnostics_channel publish (1 subscriber), whatever ran
// before it": the same two cases timed interleaved in phases, each phase after more of the other
// work an application does has run in this process (spans without correlation ids, many buses
// with handlers of their own and varied metadata shapes, a context scope carrying a correlation
// id). Run it alone (`npm run bench emit-after`) for a process where nothing ran before; within
// `npm run bench` the suites before it have run too, which is the point of the last phases.
import diagnosticsChannel from 'node:diagnostics_channel';
import { createTelemetry, type Measurements, withContext } from '@isotel/core';
import { type BenchCase, measureInterleaved, type Row, type Suite } from '../harness.js';

const BATCH = 100_000;
const ROUNDS = 15;
// biome-ignore lint/style/useConst: a let binding keeps V8 from folding the input into the loops
let measurements: Measurements = { value: 1 };
// biome-ignore lint/style/useConst: as above
let metadata = { route: '/checkout' };

let counter = 0;
const reset = (): void => {
  counter = 0;
};

const bus = createTelemetry();
bus.attach('one', 'a.b.c', (_name, m) => {
  counter += m.value as number;
});
const channel = diagnosticsChannel.channel('isotel.bench.after.a.b.c');
channel.subscribe((m) => {
  counter += (m as { value: number }).value;
});

// each case is a function literal of its own (see bus.ts)
const cases: BenchCase[] = [
  {
    name: 'isotel emit, 1 exact handler',
    beforeBatch: reset,
    run(n) {
      const m = measurements;
      const md = metadata;
      for (let i = 0; i < n; i++) bus.emit('a.b.c', m, md);
    },
  },
  {
    name: 'diagnostics_channel publish, 1 subscriber',
    beforeBatch: reset,
    run(n) {
      const m = measurements;
      for (let i = 0; i < n; i++) channel.publish(m);
    },
  },
];

/**
 * The other work, phase by phase; each runs once, after the previous phase was timed. After a
 * scope with a correlation id, emit reads the context for it (DESIGN §4): no target there.
 */
const phases: { readonly label: string; readonly run: () => void }[] = [
  { label: 'first', run: () => undefined },
  {
    label: 'after 20k spans without correlation ids',
    run() {
      const t = createTelemetry();
      t.attachMany('span-events', ['job.start', 'job.stop'], () => {
        counter++;
      });
      for (let i = 0; i < 20_000; i++) t.span('job', { route: '/checkout' }, () => counter);
    },
  },
  {
    label: 'then 20 buses, varied shapes',
    run() {
      for (let b = 0; b < 20; b++) {
        const t = createTelemetry();
        t.attach(`h${b}`, 'shop.**', (_name, m) => {
          counter += (m.count as number) + b;
        });
        for (let i = 0; i < 20_000; i++) {
          t.emit(`shop.step${i % 7}`, { count: 1 }, i % 2 === 0 ? { route: '/x' } : { route: '/y', user: i });
          t.emit('shop.lazy', () => [{ count: 1 }, { at: i }]);
        }
      }
    },
  },
  {
    label: 'then a scope with a correlation id, no target',
    run() {
      withContext({ correlationId: 'req-1' }, () => counter);
    },
  },
];

const suite: Suite = {
  title: 'Emit after other code ran: 1 exact handler vs diagnostics_channel, ns/op, best of 15 interleaved rounds',
  run() {
    const rows: Row[] = [];
    for (const phase of phases) {
      phase.run();
      const measured = measureInterleaved(cases, { rounds: ROUNDS, batch: BATCH });
      const dc = `diagnostics_channel publish, 1 subscriber (${phase.label})`;
      const correlated = phase === phases[phases.length - 1];
      rows.push({
        name: `isotel emit, 1 exact handler (${phase.label})`,
        nsPerOp: measured.get('isotel emit, 1 exact handler') as number,
        versus: correlated ? { name: dc } : { name: dc, maxRatio: 1.0 },
      });
      rows.push({ name: dc, nsPerOp: measured.get('diagnostics_channel publish, 1 subscriber') as number });
    }
    if (counter < 0) throw new Error('unreachable: keeps the handlers’ work observable');
    return { title: this.title, rows };
  },
};

export default suite;
