import {
  constants,
  type IntervalHistogram,
  monitorEventLoopDelay,
  PerformanceObserver,
  performance,
} from 'node:perf_hooks';
import type { Telemetry } from '../../bus/telemetry.js';
import type { RuntimeEmit, RuntimeSource } from '../../runtime/runtime-poller.js';
import { type RuntimePoller, startRuntimePoller } from '../../runtime/runtime-poller.js';

/**
 * `runtime.memory` `{ heapUsed, heapTotal, rss, external, arrayBuffers }` in bytes.
 * @example startRuntimePoller(t, { sources: [nodeMemorySource()] })
 */
export function nodeMemorySource(): RuntimeSource {
  return {
    name: 'memory',
    poll() {
      const m = process.memoryUsage();
      return {
        heapUsed: m.heapUsed,
        heapTotal: m.heapTotal,
        rss: m.rss,
        external: m.external,
        arrayBuffers: m.arrayBuffers,
      };
    },
  };
}

/**
 * `runtime.event_loop` `{ delayP50, delayP99, delayMax, utilization }`: delay percentiles in
 * milliseconds since the previous poll (`monitorEventLoopDelay`), and the event-loop utilisation
 * (0–1) over the same span.
 * @example startRuntimePoller(t, { sources: [eventLoopSource(20)] })
 */
export function eventLoopSource(resolutionMs = 10): RuntimeSource {
  let histogram: IntervalHistogram | undefined;
  let last = performance.eventLoopUtilization();
  return {
    name: 'event_loop',
    start() {
      histogram = monitorEventLoopDelay({ resolution: resolutionMs });
      histogram.enable();
      last = performance.eventLoopUtilization();
    },
    poll() {
      if (histogram === undefined) return undefined;
      const elu = performance.eventLoopUtilization(last);
      last = performance.eventLoopUtilization();
      const out = {
        delayP50: histogram.percentile(50) / 1e6,
        delayP99: histogram.percentile(99) / 1e6,
        delayMax: histogram.max / 1e6,
        utilization: elu.utilization,
      };
      histogram.reset();
      return out;
    },
    stop() {
      histogram?.disable();
      histogram = undefined;
    },
  };
}

const GC_KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
};

/**
 * `runtime.gc` `{ duration }` with `{ kind }` (`minor`, `major`, `incremental`, `weakcb`) for every collection.
 * @example startRuntimePoller(t, { sources: [gcSource()], intervalMs: 0 })
 */
export function gcSource(): RuntimeSource {
  let observer: PerformanceObserver | undefined;
  return {
    name: 'gc',
    start(emit: RuntimeEmit) {
      observer = new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) {
          const kind = ((entry as { detail?: unknown }).detail as { kind?: number } | undefined)?.kind;
          emit('runtime.gc', { duration: entry.duration }, { kind: GC_KINDS[kind ?? -1] ?? 'unknown' });
        }
      });
      observer.observe({ entryTypes: ['gc'] });
    },
    stop() {
      observer?.disconnect();
      observer = undefined;
    },
  };
}

/**
 * Memory, event loop and GC.
 * @example startRuntimePoller(t, { sources: nodeRuntimeSources() })
 */
export function nodeRuntimeSources(): RuntimeSource[] {
  return [nodeMemorySource(), eventLoopSource(), gcSource()];
}

/**
 * Polls Node's memory and event loop on an interval and reports every GC, as `runtime.*` events.
 *
 * @example startNodeRuntimePoller(t, { intervalMs: 15_000 })
 */
export function startNodeRuntimePoller(t: Telemetry, options: { intervalMs?: number } = {}): RuntimePoller {
  return startRuntimePoller(t, { sources: nodeRuntimeSources(), ...options });
}
