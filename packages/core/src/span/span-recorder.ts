import type { HandlerEntry } from '../bus/handler-registry.js';
import { isValidName } from '../bus/pattern.js';
import type { Measurements, Metadata } from '../bus/types.js';
import { activeContext, enterScope } from '../context/context.js';
import { logger } from '../log/logger.js';
import { ActiveSpan, type SpanNames, type SpanSink } from './active-span.js';
import { NOOP_SPAN } from './noop-span.js';
import { nextSpanId } from './span-id.js';
import type { Span, SpanScope } from './types.js';

/** What the recorder needs of its telemetry instance. */
export interface SpanHost {
  /** The handlers of `name` now, in attach order (a snapshot that is never mutated). */
  resolve(name: string): readonly HandlerEntry[];
  /**
   * Offers a span's start event to the control and delivers it to `handlers` if admitted.
   * Returns the rate it was kept at (1 when not sampled), or why it was dropped.
   */
  start(
    handlers: readonly HandlerEntry[],
    name: string,
    measurements: Measurements,
    metadata: Metadata,
  ): number | string;
  /** Delivers a span's stop or exception event, following what became of its start. */
  end: SpanSink['ended'];
  /** Counts an event that was not delivered. */
  drop(reason: string): void;
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
  #scopes: readonly SpanScope[] = [];
  // bumped when handlers change: a span still open then re-resolves its stop/exception lists
  #generation = 0;
  open = 0;

  constructor(host: SpanHost) {
    this.#host = host;
  }

  /** A started span, or the shared no-op span when nobody listens. */
  start(prefix: string, metadata: Metadata | undefined): Span {
    const names = this.#listened(prefix);
    return (names === undefined ? undefined : this.#begin(names, metadata)) ?? NOOP_SPAN;
  }

  /** Runs `fn` inside a span; see `Telemetry.span`. */
  run<R>(prefix: string, metadata: Metadata | undefined, fn: (span: Span) => R): R {
    const names = this.#listened(prefix);
    const span = names === undefined ? undefined : this.#begin(names, metadata);
    if (span === undefined) return fn(NOOP_SPAN);
    let result: R;
    try {
      result = this.#scopes.length === 0 ? enterScope(span, fn, span) : this.#inScopes(span, () => fn(span));
    } catch (error) {
      span.fail(error);
      throw error;
    }
    try {
      if (result instanceof Promise) {
        // the caller gets the very promise fn returned; this side chain only ends the span
        result.then(
          () => span.end(),
          (error: unknown) => span.fail(error),
        );
        return result;
      }
      if (isThenable(result)) {
        // Another thenable may start its work in `then` (a lazy query builder), so it is called
        // once, here, and the caller gets the promise it returns.
        return result.then(
          (value) => {
            span.end();
            return value;
          },
          (error: unknown) => {
            span.fail(error);
            throw error;
          },
        ) as R;
      }
    } catch {
      // a hostile thenable (a throwing `then` getter or method) is the caller's to handle
    }
    span.end();
    return result;
  }

  /** Adds a scope the code inside every span runs in; returns a function that removes it. */
  addScope(scope: SpanScope): () => void {
    this.#scopes = [...this.#scopes, scope];
    return () => {
      this.#scopes = this.#scopes.filter((s) => s !== scope);
    };
  }

  enter<R>(span: ActiveSpan, fn: () => R): R {
    return this.#scopes.length === 0 ? enterScope(span, call, fn) : this.#inScopes(span, fn);
  }

  // `fn` with the span as isotel's context, inside every registered scope. A scope that fails
  // to run its part (throws first, or returns without it) costs the span nothing but that scope:
  // it is logged and the code runs without it. What the code itself throws passes through.
  #inScopes<R>(span: ActiveSpan, fn: () => R): R {
    let run = (): R => enterScope(span, call, fn);
    for (const scope of this.#scopes) {
      const inner = run;
      run = () => {
        let entered = false;
        let result: R;
        try {
          result = scope(span.spanId, () => {
            entered = true;
            return inner();
          });
        } catch (error) {
          if (entered) throw error;
          logger().error(`A span scope failed around span ${span.spanId}; its code ran without it.`, error);
          return inner();
        }
        if (entered) return result;
        logger().error(`A span scope did not run the code of span ${span.spanId}; it ran without it.`);
        return inner();
      };
    }
    return run();
  }

  /** Forgets which prefixes have listeners; the bus calls it when handlers are attached or detached. */
  invalidate(): void {
    this.#generation++;
    if (this.#names.size > 0) this.#names.clear();
  }

  started(names: SpanNames, measurements: Measurements, metadata: Metadata): number | string {
    // the span took its correlation id from the context in force now: no second lookup
    return this.#host.start(names.startHandlers, names.start, measurements, metadata);
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
    start: number | string | undefined,
  ): void {
    this.#host.end(handlers, name, measurements, metadata, start);
  }

  #begin(names: SpanNames, metadata: Metadata | undefined): ActiveSpan | undefined {
    const parent = activeContext();
    let span: ActiveSpan;
    try {
      span = new ActiveSpan(
        this,
        names,
        nextSpanId(),
        parent,
        metadata,
        parent === undefined ? EMPTY_BAGGAGE : parent.baggage,
        performance.now(),
      );
    } catch (error) {
      // the metadata could not be read (a getter or Proxy that throws): fn runs, unrecorded
      this.#host.drop('invalid_metadata');
      logger().error(`The metadata of span "${names.start}" could not be read; the span was not recorded.`, error);
      return undefined;
    }
    this.open++;
    span.begin();
    return span;
  }

  // The names of a prefix when someone listens to them; an invalid prefix is counted.
  #listened(prefix: string): SpanNames | undefined {
    if (typeof prefix !== 'string') {
      this.#host.drop('invalid_name');
      return undefined;
    }
    const names = this.#namesOf(prefix);
    if (names.invalid) this.#host.drop('invalid_name');
    return names.listening ? names : undefined;
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
        invalid: !isValidName(prefix),
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

function call<R>(fn: () => R): R {
  return fn();
}
