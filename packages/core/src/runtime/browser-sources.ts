import type { RuntimeEmit, RuntimeSource } from './runtime-poller.js';

interface ChromeMemory {
  readonly usedJSHeapSize: number;
  readonly totalJSHeapSize: number;
  readonly jsHeapSizeLimit: number;
}

/**
 * `runtime.memory` `{ heapUsed, heapTotal, heapLimit }` from Chromium's `performance.memory`; nothing elsewhere.
 * @example startRuntimePoller(t, { sources: [browserMemorySource()] })
 */
export function browserMemorySource(): RuntimeSource {
  return {
    name: 'memory',
    poll() {
      const memory = (globalThis.performance as { memory?: ChromeMemory } | undefined)?.memory;
      if (memory === undefined) return undefined;
      return { heapUsed: memory.usedJSHeapSize, heapTotal: memory.totalJSHeapSize, heapLimit: memory.jsHeapSizeLimit };
    },
  };
}

/**
 * `runtime.longtask` `{ duration, startTime }` for every main-thread task over 50 ms, where supported.
 * @example startRuntimePoller(t, { sources: [longTaskSource()], intervalMs: 0 })
 */
export function longTaskSource(): RuntimeSource {
  let observer: PerformanceObserver | undefined;
  return {
    name: 'longtask',
    start(emit: RuntimeEmit) {
      const Observer = globalThis.PerformanceObserver;
      if (Observer === undefined || !Observer.supportedEntryTypes?.includes('longtask')) return;
      observer = new Observer((list) => {
        for (const entry of list.getEntries()) {
          emit('runtime.longtask', { duration: entry.duration, startTime: entry.startTime }, { name: entry.name });
        }
      });
      observer.observe({ type: 'longtask', buffered: false });
    },
    stop() {
      observer?.disconnect();
      observer = undefined;
    },
  };
}

/**
 * The browser sources: memory (Chromium) and long tasks.
 * @example startRuntimePoller(t, { sources: browserRuntimeSources(), intervalMs: 30_000 })
 */
export function browserRuntimeSources(): RuntimeSource[] {
  return [browserMemorySource(), longTaskSource()];
}
