// Spans and context against their peers, all in this one process: a span start+stop through
// isotel vs a reference span doing the same required work by hand (two `performance.now()`
// reads, one `AsyncLocalStorage.run`, two `diagnostics_channel` publishes), Node's
// TracingChannel.traceSync and OpenTelemetry SDK spans (recording, and recording and exporting
// to memory with the SDK's AsyncLocalStorage context manager); a span nobody
// listens to vs the OpenTelemetry API's no-op span; and the cost of the ambient correlation id
// on emit. Every handler and subscriber does the same trivial work (bumps a counter reset
// before each batch). An isotel span reads the monotonic clock twice (DESIGN.md §4) and a bare
// traceSync reads none, so two more rows show the floor: traceSync whose subscribers read
// `performance.now()` as any tracer built on TracingChannel does, and two bare clock reads.
// Each case is a function literal of its own (see bus.ts: V8 compiles one loop per literal).
import { AsyncLocalStorage } from 'node:async_hooks';
import diagnosticsChannel from 'node:diagnostics_channel';
import {
  createTelemetry,
  getContextManager,
  type Measurements,
  type Metadata,
  StackContextManager,
  setContextManager,
  type Telemetry,
  withContext,
} from '@isotel/core';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { type BenchCase, measureInterleaved, type Row, rowsOf, type Suite } from '../harness.js';

const BATCH = 20_000;
const ROUNDS = 25;
const metadata: Metadata = { route: '/checkout' };
const measurements: Measurements = { value: 1 };

let counter = 0;
const reset = (): void => {
  counter = 0;
};
const onEvent = (): void => {
  counter++;
};
// what a tracer on TracingChannel does at least: stamp the start and the end
const onEventTimed = (): void => {
  counter += performance.now() > 0 ? 1 : 0;
};
const work = (): number => counter;

function spanBus(): Telemetry {
  const t = createTelemetry();
  t.attach('on-start', 'job.start', onEvent);
  t.attach('on-stop', 'job.stop', onEvent);
  return t;
}

function cases(): BenchCase[] {
  const withHandlers = spanBus();
  const nothingAttached = createTelemetry();
  const otherNames = createTelemetry();
  for (let i = 0; i < 100; i++) otherNames.attach(`other${i}`, `other.n${i}.stop`, onEvent);
  const emitting = createTelemetry();
  emitting.attach('h', 'a.b.c', onEvent);

  const channel = diagnosticsChannel.tracingChannel<unknown, { route: string }>('isotel.bench.job');
  channel.start.subscribe(onEvent);
  channel.end.subscribe(onEvent);
  const timedChannel = diagnosticsChannel.tracingChannel<unknown, { route: string }>('isotel.bench.timed-job');
  timedChannel.start.subscribe(onEventTimed);
  timedChannel.end.subscribe(onEventTimed);

  const provider = new BasicTracerProvider();
  const sdkTracer = provider.getTracer('bench');
  // the SDK as an application sets it up: a processor exporting every span (to memory here, so
  // no I/O is timed) and context through AsyncLocalStorage
  const memory = new InMemorySpanExporter();
  const exporting = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(memory)] });
  const exportingTracer = exporting.getTracer('bench');
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());

  // The work a recording span cannot skip, written by hand: stamp the start, publish it, run the
  // code in a context of its own, stamp the end, publish it.
  const referenceStorage = new AsyncLocalStorage<{ readonly id: number }>();
  const referenceStart = diagnosticsChannel.channel('isotel.bench.reference.start');
  const referenceStop = diagnosticsChannel.channel('isotel.bench.reference.stop');
  referenceStart.subscribe(onEvent);
  referenceStop.subscribe(onEvent);
  const referenceScope = { id: 1 };

  const stack = new StackContextManager();
  const stackSpan = (n: number): void => {
    const previous = getContextManager();
    setContextManager(stack);
    try {
      for (let i = 0; i < n; i++) withHandlers.span('job', metadata, work);
    } finally {
      setContextManager(previous);
    }
  };

  return [
    {
      name: 'isotel span start+stop, 2 handlers',
      beforeBatch: reset,
      run(n) {
        for (let i = 0; i < n; i++) withHandlers.span('job', metadata, work);
      },
    },
    { name: 'isotel span start+stop, 2 handlers, stack context (browser)', beforeBatch: reset, run: stackSpan },
    {
      name: 'reference span: 2 clock reads, 1 AsyncLocalStorage.run, 2 publishes',
      beforeBatch: reset,
      run(n) {
        for (let i = 0; i < n; i++) {
          const start = performance.now();
          referenceStart.publish({ monotonicTime: start, route: '/checkout' });
          referenceStorage.run(referenceScope, work);
          const end = performance.now();
          referenceStop.publish({ duration: end - start, route: '/checkout' });
        }
      },
    },
    {
      // a fresh context object per call, as real callers pass per-call data to subscribers
      name: 'TracingChannel.traceSync, start+end subscribers',
      beforeBatch: reset,
      run(n) {
        for (let i = 0; i < n; i++) channel.traceSync(work, { route: '/checkout' });
      },
    },
    {
      name: 'TracingChannel.traceSync, start+end subscribers reading performance.now()',
      beforeBatch: reset,
      run(n) {
        for (let i = 0; i < n; i++) timedChannel.traceSync(work, { route: '/checkout' });
      },
    },
    {
      name: 'two performance.now() calls',
      beforeBatch: reset,
      run(n) {
        for (let i = 0; i < n; i++) {
          counter += performance.now() > 0 ? 1 : 0;
          counter += performance.now() > 0 ? 1 : 0;
        }
      },
    },
    {
      name: 'OpenTelemetry SDK span (BasicTracerProvider, recording, no exporter)',
      beforeBatch: reset,
      run(n) {
        for (let i = 0; i < n; i++) {
          const s = sdkTracer.startSpan('job', { attributes: { route: '/checkout' } });
          work();
          s.end();
        }
      },
    },
    {
      name: 'OpenTelemetry SDK span, recorded and exported to memory, AsyncLocalStorage context',
      beforeBatch() {
        reset();
        memory.reset();
      },
      run(n) {
        for (let i = 0; i < n; i++) {
          exportingTracer.startActiveSpan('job', { attributes: { route: '/checkout' } }, (s) => {
            work();
            s.end();
          });
        }
      },
    },
    {
      name: 'isotel span, nothing attached',
      beforeBatch: reset,
      run(n) {
        for (let i = 0; i < n; i++) nothingAttached.span('job', metadata, work);
      },
    },
    {
      name: 'isotel span, no listener (100 handlers on other names)',
      beforeBatch: reset,
      run(n) {
        for (let i = 0; i < n; i++) otherNames.span('job', metadata, work);
      },
    },
    {
      name: 'OpenTelemetry API no-op span',
      beforeBatch: reset,
      run(n) {
        for (let i = 0; i < n; i++) {
          const s = trace.getTracer('x').startSpan('s');
          work();
          s.end();
        }
      },
    },
    {
      name: 'isotel emit, 1 handler, no context',
      beforeBatch: reset,
      run(n) {
        for (let i = 0; i < n; i++) emitting.emit('a.b.c', measurements, metadata);
      },
    },
    {
      name: 'isotel emit, 1 handler, inside withContext',
      beforeBatch: reset,
      run(n) {
        withContext({ correlationId: '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b' }, () => {
          for (let i = 0; i < n; i++) emitting.emit('a.b.c', measurements, metadata);
        });
      },
    },
  ];
}

const TARGETS: Record<string, Row['versus']> = {
  'isotel span start+stop, 2 handlers': {
    name: 'reference span: 2 clock reads, 1 AsyncLocalStorage.run, 2 publishes',
    maxRatio: 1.0,
  },
  'isotel span start+stop, 2 handlers, stack context (browser)': {
    name: 'TracingChannel.traceSync, start+end subscribers',
  },
  'isotel span, nothing attached': { name: 'OpenTelemetry API no-op span', maxRatio: 0.5 },
  'isotel span, no listener (100 handlers on other names)': { name: 'OpenTelemetry API no-op span', maxRatio: 0.5 },
  'isotel emit, 1 handler, inside withContext': { name: 'isotel emit, 1 handler, no context' },
};

const suite: Suite = {
  title: 'Spans and context: ns/op, best of 25 interleaved rounds (lower is better)',
  run() {
    const measured = measureInterleaved(cases(), { rounds: ROUNDS, batch: BATCH });
    const rows = rowsOf(measured, TARGETS, {
      'isotel span start+stop, 2 handlers': [
        {
          label: 'vs OpenTelemetry SDK exporting',
          versus: {
            name: 'OpenTelemetry SDK span, recorded and exported to memory, AsyncLocalStorage context',
            minSpeedup: 20,
          },
        },
        {
          label: 'vs OpenTelemetry SDK',
          versus: { name: 'OpenTelemetry SDK span (BasicTracerProvider, recording, no exporter)' },
        },
        {
          label: 'vs traceSync',
          versus: { name: 'TracingChannel.traceSync, start+end subscribers' },
        },
        {
          label: 'vs traceSync reading the clock',
          versus: { name: 'TracingChannel.traceSync, start+end subscribers reading performance.now()' },
        },
      ],
    });
    if (counter < 0) throw new Error('unreachable: keeps the handlers’ work observable');
    return {
      title: this.title,
      rows,
      notes: [
        `Context manager on this run: ${getContextManager().kind}. Each isotel span reads the monotonic clock twice and makes a span id; a bare TracingChannel reads no clock, the "reading performance.now()" row pays the same two reads.`,
      ],
    };
  },
};

export default suite;
