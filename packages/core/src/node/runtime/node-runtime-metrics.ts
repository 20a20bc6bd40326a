import { distribution, lastValue, type MetricDefinition } from '../../metrics/definitions.js';

const SECONDS = { from: 'millisecond', to: 'second' } as const;

/**
 * Metric definitions for every measurement of {@link startNodeRuntimePoller}: memory in bytes,
 * event-loop delay in seconds, event-loop utilisation (0–1) and GC pauses by kind. The Prometheus
 * reporter exposes them as `runtime_memory_heap_used_bytes`, `runtime_event_loop_delay_p99_seconds`,
 * `runtime_event_loop_utilization`, `runtime_gc_duration_seconds_bucket{kind}`, ...
 *
 * @example
 * startNodeRuntimePoller(t, { intervalMs: 15_000 })
 * prometheusReporter(t, [...nodeRuntimeMetrics(), ...appMetrics])
 */
export function nodeRuntimeMetrics(): MetricDefinition[] {
  const memory = (key: string, what: string) =>
    lastValue(`runtime.memory.${key}`, { unit: 'byte', description: `${what}, from process.memoryUsage()` });
  const delay = (key: string, what: string) =>
    lastValue(`runtime.event_loop.${key}`, {
      unit: SECONDS,
      description: `${what} of the event-loop delay since the previous poll`,
    });
  return [
    memory('heapUsed', 'V8 heap in use'),
    memory('heapTotal', 'V8 heap allocated'),
    memory('rss', 'Resident set size'),
    memory('external', 'Memory of C++ objects bound to JavaScript objects'),
    memory('arrayBuffers', 'Memory of ArrayBuffers and SharedArrayBuffers'),
    delay('delayP50', 'Median'),
    delay('delayP99', '99th percentile'),
    delay('delayMax', 'Maximum'),
    lastValue('runtime.event_loop.utilization', {
      description: 'Event-loop utilisation (0 to 1) since the previous poll',
    }),
    distribution('runtime.gc.duration', {
      tags: ['kind'],
      unit: SECONDS,
      description: 'Garbage collection pauses, by kind',
      // in the metric's unit, seconds: 0.1 ms to 250 ms
      reporterOptions: { buckets: [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25] },
    }),
  ];
}
