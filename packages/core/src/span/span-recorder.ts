import type { Measurements, Metadata } from '../bus/types.js';
import { activeContext, getContextManager } from '../context/context.js';
import { ActiveSpan, type SpanNames, type SpanSink } from './active-span.js';
import { NOOP_SPAN } from './noop-span.js';
import { nextSpanId } from './span-id.js';
import type { Span } from './types.js';

/** What the recorder needs of its telemetry instance. */
export interface SpanHost {
  hasHandlers(name: string): boolean;
  emit(name: string, measurements: Measurements, metadata: Metadata): void;
}

const EMPTY_BAGGAGE: Readonly<Record<string, unknown>> = Object.freeze({});
// Prefixes are usually static; the bound only matters for code that builds them dynamically.
const NAMES_CACHE_SIZE = 1000;

/**
 * Starts and runs the spans of one telemetry instance and counts the open ones. When nobody
 * listens to any of a prefix's three events, spans of it read no clock and allocate nothing.
 */
export class SpanRecorder implements SpanSink {
  readonly #host: SpanHost;
  readonly #names = new Map<string, SpanNames>();
  open = 0;

  constructor(host: SpanHost) {
    this.#host = host;
  }

  emit(name: string, measurements: Measurements, metadata: Metadata): void {
    this.#host.emit(name, measurements, metadata);
  }

  spanEnded(): void {
    this.open--;
  }

  /** A started span, or the shared no-op span when nobody listens. */
  start(prefix: string, metadata: Metadata | undefined): Span {
    const names = this.#namesOf(prefix);
    if (!this.#listening(names)) return NOOP_SPAN;
    return this.#begin(names, metadata);
  }

  /** Runs `fn` inside a span; see `Telemetry.span`. */
  run<R>(prefix: string, metadata: Metadata | undefined, fn: (span: Span) => R): R {
    const names = this.#namesOf(prefix);
    if (!this.#listening(names)) return fn(NOOP_SPAN);
    const span = this.#begin(names, metadata);
    let result: R;
    try {
      result = getContextManager().with(span, fn, span);
    } catch (error) {
      span.fail(error);
      throw error;
    }
    try {
      if (isThenable(result)) {
        // the caller gets the very promise fn returned; this side chain only ends the span
        result.then(
          () => span.end(),
          (error: unknown) => span.fail(error),
        );
        return result;
      }
    } catch {
      // a hostile thenable (a throwing `then` getter or method) is the caller's to handle
    }
    span.end();
    return result;
  }

  #begin(names: SpanNames, metadata: Metadata | undefined): ActiveSpan {
    const parent = activeContext();
    const span = new ActiveSpan(
      this,
      names,
      nextSpanId(),
      parent,
      metadata,
      parent?.baggage ?? EMPTY_BAGGAGE,
      performance.now(),
    );
    this.open++;
    span.begin();
    return span;
  }

  /** Forgets which prefixes have listeners; the bus calls it when handlers are attached or detached. */
  invalidate(): void {
    if (this.#names.size > 0) this.#names.clear();
  }

  #listening(names: SpanNames): boolean {
    let listening = names.listening;
    if (listening === undefined) {
      const host = this.#host;
      listening = host.hasHandlers(names.start) || host.hasHandlers(names.stop) || host.hasHandlers(names.exception);
      names.listening = listening;
    }
    return listening;
  }

  #namesOf(prefix: string): SpanNames {
    let names = this.#names.get(prefix);
    if (names === undefined) {
      if (this.#names.size >= NAMES_CACHE_SIZE) this.#names.clear();
      names = {
        start: `${prefix}.start`,
        stop: `${prefix}.stop`,
        exception: `${prefix}.exception`,
        listening: undefined,
      };
      this.#names.set(prefix, names);
    }
    return names;
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as PromiseLike<unknown>).then === 'function'
  );
}
