import { type Dispatcher, isThenable } from '../bus/dispatcher.js';
import { type HandlerEntry, INVALID_NAME } from '../bus/handler-registry.js';
import type { Metadata } from '../bus/types.js';
import { activeContext, enterScope } from '../context/context.js';
import { logger } from '../log/logger.js';
import { ActiveSpan, type SpanNames } from './active-span.js';
import { NOOP_SPAN } from './noop-span.js';
import { nextSpanId } from './span-id.js';
import type { Span } from './types.js';

const EMPTY_BAGGAGE: Readonly<Record<string, unknown>> = Object.freeze({});

/**
 * Starts and runs the spans of one bus and counts the open ones. A span's events go through the
 * bus's {@link Dispatcher} like any emit: their handlers are resolved through the registry when
 * each is published. When nobody listens to any of a prefix's three names, its spans read no
 * clock and allocate nothing.
 */
export class SpanRecorder {
  readonly bus: Dispatcher;
  open = 0;
  /**
   * Runs the code of a span inside the scopes added by `addSpanScope` (span-scopes.ts, which sets
   * it); undefined while there are none.
   */
  around: (<R>(span: ActiveSpan, fn: () => R) => R) | undefined = undefined;
  // The last prefix's three names, and whether anyone listened to them in the registry version
  // they were resolved in: a span of the same prefix then skips three concatenations and three
  // lookups (bench/README.md, "Issue 24: one dispatch path").
  #lastNames = namesOf('');
  #lastVersion = -1;
  #lastStart: readonly HandlerEntry[] = INVALID_NAME;
  #lastListening = false;

  constructor(bus: Dispatcher) {
    this.bus = bus;
  }

  /** A started span, or the shared no-op span when nobody listens. */
  start(prefix: string, metadata: Metadata | undefined): Span {
    return this.#begin(prefix, metadata) ?? NOOP_SPAN;
  }

  /** Runs `fn` inside a span; see `Telemetry.span`. */
  run<R>(prefix: string, metadata: Metadata | undefined, fn: (span: Span) => R): R {
    const span = this.#begin(prefix, metadata);
    if (span === undefined) return fn(NOOP_SPAN);
    let result: R;
    try {
      const around = this.around;
      result = around === undefined ? enterScope(span, fn, span) : around(span, () => fn(span));
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
        // another thenable may start its work in `then` (a lazy query builder): called once, here
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

  /** Runs `fn` with `span` as the context in force, inside every added scope. */
  enter<R>(span: ActiveSpan, fn: () => R): R {
    const around = this.around;
    return around === undefined ? enterScope(span, call, fn) : around(span, fn);
  }

  // A recording span when someone listens to one of the prefix's names; an invalid prefix is counted.
  #begin(prefix: string, metadata: Metadata | undefined): ActiveSpan | undefined {
    const bus = this.bus;
    if (typeof prefix !== 'string') {
      bus.drop('invalid_name');
      return undefined;
    }
    let names = this.#lastNames;
    if (names.prefix !== prefix || this.#lastVersion !== bus.version) {
      if (names.prefix !== prefix) {
        names = namesOf(prefix);
        this.#lastNames = names;
      }
      this.#lastVersion = bus.version;
      this.#lastStart = bus.handlersOf(names.start);
      this.#lastListening =
        this.#lastStart.length > 0 ||
        bus.handlersOf(names.stop).length > 0 ||
        bus.handlersOf(names.exception).length > 0;
    }
    if (!this.#lastListening) {
      if (this.#lastStart === INVALID_NAME) bus.drop('invalid_name');
      return undefined;
    }
    const start = this.#lastStart;
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
      bus.drop('invalid_metadata');
      logger().error(`The metadata of span "${names.start}" could not be read; the span was not recorded.`, error);
      return undefined;
    }
    this.open++;
    span.begin(start);
    return span;
  }
}

function namesOf(prefix: string): SpanNames {
  return { prefix, start: `${prefix}.start`, stop: `${prefix}.stop`, exception: `${prefix}.exception` };
}

/** Calls `fn`: what {@link enterScope} runs for a span's `run`. */
export function call<R>(fn: () => R): R {
  return fn();
}
