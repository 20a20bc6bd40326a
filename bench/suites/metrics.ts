// Metrics: the cost of an emit feeding a Prometheus counter and histogram through isotel's
// reporter, against calling prom-client's inc()/observe() directly with the same labels, all in
// this one process. Then cardinality: 1M events over 100k distinct tag values, with the series
// cap on, against prom-client holding every series, heap measured after a forced GC.

import { createTelemetry, type Metadata } from '@isotel/core';
import { counter, createAggregator, distribution, summary } from '@isotel/core/metrics';
import { prometheusReporter } from '@isotel/core/prometheus';
import { Counter, Histogram, Registry } from 'prom-client';
import { measure, type Row, type Suite } from '../harness.js';

const ROUTES = Array.from({ length: 10 }, (_, i) => `/route/${i}`);
const METADATA: Metadata[] = ROUTES.map((route) => ({ route, method: 'GET' }));
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

function direct() {
  const registry = new Registry();
  const requests = new Counter({ name: 'requests_total', help: 'h', labelNames: ['route'], registers: [registry] });
  const latency = new Histogram({
    name: 'latency_seconds',
    help: 'h',
    labelNames: ['route'],
    buckets: BUCKETS,
    registers: [registry],
  });
  return (n: number) => {
    for (let i = 0; i < n; i++) {
      const md = METADATA[i % 10] as Metadata;
      const duration = (i % 100) + 0.5;
      requests.inc({ route: md.route as string }, 1);
      latency.observe({ route: md.route as string }, duration / 1000);
    }
  };
}

function throughIsotel() {
  const t = createTelemetry();
  prometheusReporter(t, [
    counter('http.request.stop.count', { event: 'http.request.stop', tags: ['route'] }),
    distribution('http.request.stop.duration', {
      tags: ['route'],
      unit: { from: 'millisecond', to: 'second' },
      reporterOptions: { buckets: BUCKETS },
    }),
  ]);
  return (n: number) => {
    for (let i = 0; i < n; i++) {
      t.emit('http.request.stop', { duration: (i % 100) + 0.5 }, METADATA[i % 10]);
    }
  };
}

function throughAggregator() {
  const t = createTelemetry();
  createAggregator(t, [
    counter('http.request.stop.count', { event: 'http.request.stop', tags: ['route'] }),
    summary('http.request.stop.duration', { tags: ['route'] }),
  ]);
  return (n: number) => {
    for (let i = 0; i < n; i++) {
      t.emit('http.request.stop', { duration: (i % 100) + 0.5 }, METADATA[i % 10]);
    }
  };
}

function heapMb(): number {
  (globalThis as { gc?: () => void }).gc?.();
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

async function cardinality(): Promise<string[]> {
  const EVENTS = 1_000_000;
  const DISTINCT = 100_000;
  const notes: string[] = [];
  const base = heapMb();
  const t = createTelemetry();
  const prom = prometheusReporter(
    t,
    [
      counter('api.call.count', { event: 'api.call', tags: ['user'] }),
      distribution('api.call.duration', { tags: ['user'], unit: { from: 'millisecond', to: 'second' } }),
    ],
    { maxSeries: 1000 },
  );
  const start = performance.now();
  for (let i = 0; i < EVENTS; i++) t.emit('api.call', { duration: i % 50 }, { user: `u${i % DISTINCT}` });
  const elapsed = performance.now() - start;
  const capped = heapMb() - base;
  const series = (await prom.registry.getMetricsAsJSON()).find((m) => m.name === 'api_call_count_total')?.values.length;
  const overflow = prom.stats().overflowed['api.call.count'] ?? 0;
  notes.push(
    `Cardinality: ${EVENTS / 1e6}M events over ${DISTINCT / 1000}k distinct \`user\` values, maxSeries 1000: ` +
      `${series} counter series (1000 + 1 overflow), ${overflow.toLocaleString('en')} values recorded into the overflow series, ` +
      `heap +${capped.toFixed(1)} MiB, ${((elapsed * 1e6) / EVENTS).toFixed(0)} ns/event.`,
  );
  await t.shutdown();

  const base2 = heapMb();
  const registry = new Registry();
  const c = new Counter({ name: 'api_calls_total', help: 'h', labelNames: ['user'], registers: [registry] });
  const h = new Histogram({ name: 'api_call_seconds', help: 'h', labelNames: ['user'], registers: [registry] });
  for (let i = 0; i < EVENTS; i++) {
    const user = `u${i % DISTINCT}`;
    c.inc({ user }, 1);
    h.observe({ user }, (i % 50) / 1000);
  }
  const uncapped = heapMb() - base2;
  notes.push(
    `Same load on prom-client directly (no cap): ${(await registry.getMetricsAsJSON())[0]?.values.length} counter series, heap +${uncapped.toFixed(1)} MiB.`,
  );
  registry.clear();
  if ((globalThis as { gc?: unknown }).gc === undefined) notes.push('(run with --expose-gc for exact heap figures)');
  return notes;
}

const suite: Suite = {
  title: 'Metrics: emit → Prometheus counter + histogram vs prom-client directly',
  async run() {
    const opts = { batch: 100_000, rounds: 15, warmup: 5 };
    const promDirect = direct();
    const isotel = throughIsotel();
    const aggregator = throughAggregator();
    // every path runs before any is timed: prom-client's call sites then see every label-object
    // shape they will see, so no row is timed while they are still monomorphic for it alone
    for (const run of [promDirect, isotel, aggregator]) run(200_000);
    const rows: Row[] = [
      { name: 'prom-client inc() + observe() directly', nsPerOp: measure({ name: 'direct', run: promDirect }, opts) },
      {
        name: 'isotel emit → prometheusReporter (counter + distribution)',
        nsPerOp: measure({ name: 'isotel', run: isotel }, opts),
        versus: { name: 'prom-client inc() + observe() directly', maxRatio: 1.5 },
      },
      {
        name: 'isotel emit → in-memory aggregator (counter + sketched summary)',
        nsPerOp: measure({ name: 'aggregator', run: aggregator }, opts),
        versus: { name: 'prom-client inc() + observe() directly', target: 'info' },
      },
    ];
    return { title: suite.title, rows, notes: await cardinality() };
  },
};

export default suite;
