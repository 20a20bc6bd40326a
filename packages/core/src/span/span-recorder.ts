import type { HandlerEntry } from '../bus/handler-registry.js';
import type { Measurements, Metadata } from '../bus/types.js';
import { activeContext, enterScope } from '../context/context.js';
import { ActiveSpan, type SpanNames, type SpanSink } from './active-span.js';
import { NOOP_SPAN } from './noop-span.js';
import { nextSpanId } from './span-id.js';
import type { Span } from './types.js';

/** What the recorder needs of its telemetry instance. */
export interface SpanHost {
  /** The handlers of `name` now, in attach order (a snapshot that is never mutated). */
  resolve(name: string): readonly HandlerEntry[];
  /** Delivers an event to `handlers` as `emit` would (ambient correlation id, control, isolation). */
  dispatch(handlers: readonly HandlerEntry[], name: string, measurements: Measurements, metadata: Metadata): void;
  /** `dispatch` for metadata that already carries the ambient correlation id, if there is one. */
  deliver(handlers: readonly HandlerEntry[], name: string, measurements: Measurements, metadata: Metadata): void;
}

const EMPTY_BAGGAGE: Readonly<Record<string, unknown>> = Object.freeze({});
// Prefixes are usually static; the bound only matters for code that builds them dynamically.
const NAMES_CACHE_SIZE = 1000;

/**
 * Starts and runs the spans of one telemetry instance and counts the open ones. Each prefix's
 * three names and their handler lists are resolved once and kept until handlers change, so a
 * span dispatches its events without looking names up. When nobody listens to any of the three,
 * spans of the prefix read no clock and allocate nothing.
 */
export class SpanRecorder implements SpanSink {
  readonly #host: SpanHost;
  readonly #names = new Map<string, SpanNames>();
  // bumped when handlers change: a span still open then re-resolves its stop/exception lists
  #generation = 0;
  open = 0;

  constructor(host: SpanHost) {
    this.#host = host;
  }

  /** A started span, or the shared no-op span when nobody listens. */
  start(prefix: string, metadata: Metadata | undefined): Span {
    const names = this.#namesOf(prefix);
    if (!names.listening) return NOOP_SPAN;
    return this.#begin(names, metadata);
  }

  /** Runs `fn` inside a span; see `Telemetry.span`. */
  run<R>(prefix: string, metadata: Metadata | undefined, fn: (span: Span) => R): R {
    const names = this.#namesOf(prefix);
    if (!names.listening) return fn(NOOP_SPAN);
    const span = this.#begin(names, metadata);
    let result: R;
    try {
      result = enterScope(span, fn, span);
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
    // fn returned: the context in force is the one the span started in again
    span.endInParent();
    return result;
  }

  /** Forgets which prefixes have listeners; the bus calls it when handlers are attached or detached. */
  invalidate(): void {
    this.#generation++;
    if (this.#names.size > 0) this.#names.clear();
  }

  started(names: SpanNames, measurements: Measurements, metadata: Metadata): void {
    // the span took its correlation id from the context in force now: no second lookup
    this.#host.deliver(names.startHandlers, names.start, measurements, metadata);
  }

  /** Counts the span as ended and returns the current stop (or exception) handlers of its prefix. */
  spanEnded(names: SpanNames, failed: boolean): readonly HandlerEntry[] {
    this.open--;
    if (names.generation !== this.#generation) this.#resolve(names);
    return failed ? names.exceptionHandlers : names.stopHandlers;
  }

  ended(
    handlers: readonly HandlerEntry[],
    name: string,
    measurements: Measurements,
    metadata: Metadata,
    inParent: boolean,
  ): void {
    if (inParent) this.#host.deliver(handlers, name, measurements, metadata);
    else this.#host.dispatch(handlers, name, measurements, metadata);
  }

  #begin(names: SpanNames, metadata: Metadata | undefined): ActiveSpan {
    const parent = activeContext();
    const span = new ActiveSpan(
      this,
      names,
      nextSpanId(),
      parent,
      metadata,
      parent === undefined ? EMPTY_BAGGAGE : parent.baggage,
      performance.now(),
    );
    this.open++;
    span.begin();
    return span;
  }

  #namesOf(prefix: string): SpanNames {
    let names = this.#names.get(prefix);
    if (names === undefined) {
      if (this.#names.size >= NAMES_CACHE_SIZE) this.#names.clear();
      names = {
        start: `${prefix}.start`,
        stop: `${prefix}.stop`,
        exception: `${prefix}.exception`,
        startHandlers: [],
        stopHandlers: [],
        exceptionHandlers: [],
        listening: false,
        generation: -1,
      };
      this.#resolve(names);
      this.#names.set(prefix, names);
    }
    return names;
  }

  #resolve(names: SpanNames): void {
    const host = this.#host;
    names.startHandlers = host.resolve(names.start);
    names.stopHandlers = host.resolve(names.stop);
    names.exceptionHandlers = host.resolve(names.exception);
    names.listening =
      names.startHandlers.length > 0 || names.stopHandlers.length > 0 || names.exceptionHandlers.length > 0;
    names.generation = this.#generation;
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as PromiseLike<unknown>).then === 'function'
  );
}
