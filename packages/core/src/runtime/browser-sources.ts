import type { Metadata } from '../bus/types.js';
import { describeError } from '../errors/describe-error.js';
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

interface ErrorEventLike {
  readonly error?: unknown;
  readonly message?: unknown;
  readonly filename?: unknown;
  readonly lineno?: unknown;
  readonly colno?: unknown;
}

interface EventTargetLike {
  addEventListener(type: string, listener: (event: unknown) => void): void;
  removeEventListener(type: string, listener: (event: unknown) => void): void;
}

/**
 * `runtime.error` `{ count: 1 }` for every uncaught error and unhandled promise rejection of the
 * page or worker (the `error` and `unhandledrejection` events of `globalThis`), with metadata
 * `{ kind, error, message }`: `kind` is `'error'` or `'unhandledrejection'`, `error` the thrown
 * value or rejection reason (exporters serialise Errors with their stack), `message` a one-line
 * description, plus `source`, `line` and `column` of an uncaught error where the browser gives
 * them. It only listens: the browser still reports the error as before. Failed loads of images
 * and scripts (whose `error` events do not reach `globalThis`) are not included.
 *
 * @example startRuntimePoller(t, { sources: [globalErrorSource(), ...browserRuntimeSources()] })
 */
export function globalErrorSource(): RuntimeSource {
  const scope = globalThis as unknown as Partial<EventTargetLike>;
  let stopListening: (() => void) | undefined;
  return {
    name: 'error',
    start(emit: RuntimeEmit) {
      if (typeof scope.addEventListener !== 'function' || typeof scope.removeEventListener !== 'function') return;
      const target = scope as EventTargetLike;
      const onError = (event: unknown): void => {
        const e = event as ErrorEventLike;
        const metadata: Metadata = { kind: 'error', error: e.error, message: describeUncaught(e.error, e.message) };
        if (typeof e.filename === 'string' && e.filename !== '') metadata.source = e.filename;
        if (typeof e.lineno === 'number' && e.lineno > 0) metadata.line = e.lineno;
        if (typeof e.colno === 'number' && e.colno > 0) metadata.column = e.colno;
        emit('runtime.error', { count: 1 }, metadata);
      };
      const onRejection = (event: unknown): void => {
        const reason = (event as { reason?: unknown }).reason;
        emit(
          'runtime.error',
          { count: 1 },
          { kind: 'unhandledrejection', error: reason, message: describeError(reason, true) },
        );
      };
      target.addEventListener('error', onError);
      target.addEventListener('unhandledrejection', onRejection);
      stopListening = () => {
        target.removeEventListener('error', onError);
        target.removeEventListener('unhandledrejection', onRejection);
      };
    },
    stop() {
      stopListening?.();
      stopListening = undefined;
    },
  };
}

// The thrown value's description; a cross-origin script's error arrives as a bare message
// ("Script error.") with no error object.
function describeUncaught(error: unknown, message: unknown): string {
  if (error !== undefined && error !== null) return describeError(error, true);
  return typeof message === 'string' && message !== '' ? message : 'Uncaught error';
}

/**
 * The browser sources: memory (Chromium) and long tasks.
 * @example startRuntimePoller(t, { sources: browserRuntimeSources(), intervalMs: 30_000 })
 */
export function browserRuntimeSources(): RuntimeSource[] {
  return [browserMemorySource(), longTaskSource()];
}
