import { withAmbientCorrelation } from '../context/ambient.js';
import { contextSlot } from '../context/context.js';
import { copyMetadata } from '../context/copy-metadata.js';
import type { ControlEngine } from '../control/control-engine.js';
import { describeError } from '../errors/describe-error.js';
import { logger } from '../log/logger.js';
import type { HandlerEntry, HandlerRegistry } from './handler-registry.js';
import type { EventThunk, Measurements, Metadata } from './types.js';

/** The event isotel emits when a handler throws or rejects. */
export const HANDLER_FAILURE_EVENT = 'telemetry.handler.failure';

const EMPTY_MEASUREMENTS: Measurements = Object.freeze({}) as Measurements;
const EMPTY_METADATA: Metadata = Object.freeze({}) as Metadata;

/**
 * What becomes of a span's start event, which its stop follows: the rate it was kept at (1 when
 * not sampled), the reason the control dropped it, or undefined when nobody listened to it.
 */
export type SpanStart = number | string | undefined;

/**
 * The one delivery path of a bus, for `emit` and span events alike: resolve the name's handlers
 * through the registry, offer the event to the control, call each handler under its failure
 * policy. Counts what was not delivered.
 */
export class Dispatcher {
  /** Handler calls that threw or rejected. */
  failures = 0;
  readonly dropped: Record<string, number> = {};
  readonly #registry: HandlerRegistry;
  readonly #control: ControlEngine;
  readonly #detach: (handlerId: string) => void;
  readonly #context = contextSlot();
  #failureDepth = 0;

  /** `detach` is how the failure policy detaches a handler from the bus. */
  constructor(registry: HandlerRegistry, control: ControlEngine, detach: (handlerId: string) => void) {
    this.#registry = registry;
    this.#control = control;
    this.#detach = detach;
  }

  /** Changes whenever what a name resolves to may have changed. */
  get version(): number {
    return this.#registry.version;
  }

  /** The handlers of `name` now, in attach order; {@link INVALID_NAME} for an invalid name. */
  handlersOf(name: string): readonly HandlerEntry[] {
    return this.#registry.resolve(name);
  }

  /** Delivers an emitted event to its `handlers` (not empty). */
  publish(
    handlers: readonly HandlerEntry[],
    name: string,
    measurements?: Measurements | EventThunk,
    metadata?: Metadata,
  ): void {
    if (typeof measurements === 'function') this.#emitLazy(handlers, name, measurements, metadata);
    else if (measurements == null || metadata == null) this.#emitDefaults(handlers, name, measurements, metadata);
    else this.#deliver(handlers, name, measurements, metadata);
  }

  // An emit that omitted its measurements or metadata (or passed `null`): handlers get `{}`.
  #emitDefaults(handlers: readonly HandlerEntry[], name: string, m?: Measurements, md?: Metadata): void {
    this.#deliver(handlers, name, m ?? EMPTY_MEASUREMENTS, md ?? EMPTY_METADATA);
  }

  /**
   * Delivers a span's start event to `handlers` (not empty) unless the control drops it. Returns
   * the rate it was kept at (1 when not sampled) or why it was dropped: its stop follows that.
   * Emits take `#admit`, the same steps kept apart: shared, what spans pass made the emit path
   * slower after spans ran (bench/README.md, Bundle size).
   */
  spanStart(handlers: readonly HandlerEntry[], name: string, m: Measurements, md: Metadata): SpanStart {
    if (!this.#control.filtering) {
      this.#call(handlers, name, m, md);
      return 1;
    }
    const rate = this.#control.decide(name, md);
    if (typeof rate === 'string') this.drop(rate);
    else this.#callAt(handlers, name, m, md, rate);
    return rate;
  }

  /**
   * Delivers a span's stop or exception event to `handlers` (not empty). Its start was dropped: so is it, for the same
   * reason. Its start was kept: it is not sampled again, only refused by name (off, denied), and
   * carries the start's rate. Nobody heard its start: the control decides now.
   */
  spanEnd(handlers: readonly HandlerEntry[], name: string, m: Measurements, md: Metadata, start: SpanStart): void {
    const rate = typeof start !== 'number' || !this.#control.filtering ? start : this.#control.rateOf(name);
    if (rate === undefined) this.#deliver(handlers, name, m, md);
    else if (typeof rate === 'string') this.drop(rate);
    else this.#callAt(handlers, name, m, md, start as number);
  }

  drop(reason: string): void {
    this.dropped[reason] = (this.dropped[reason] ?? 0) + 1;
  }

  // The thunk's metadata, else the metadata given beside it. An event the control drops by name
  // never runs its thunk.
  #emitLazy(handlers: readonly HandlerEntry[], name: string, thunk: EventThunk, metadata: Metadata | undefined): void {
    if (this.#control.filtering) {
      const refused = this.#control.refusalOf(name);
      if (refused !== undefined) {
        this.drop(refused);
        return;
      }
    }
    let m: Measurements;
    let md: Metadata | undefined;
    try {
      const pair = thunk();
      m = pair?.[0] ?? EMPTY_MEASUREMENTS;
      md = pair?.[1] ?? metadata;
    } catch (error) {
      this.drop('thunk_failed');
      logger().error(`The metadata thunk of "${name}" threw; the event was dropped.`, error);
      return;
    }
    this.#deliver(handlers, name, m, md ?? EMPTY_METADATA);
  }

  // The metadata with the ambient correlation id, then the control, then the handlers. Metadata
  // that throws when read (a getter, a Proxy) drops the event; handlers' own errors never get here.
  #deliver(handlers: readonly HandlerEntry[], name: string, m: Measurements, md: Metadata): void {
    try {
      this.#admit(handlers, name, m, this.#context.correlated ? withAmbientCorrelation(md) : md);
    } catch (error) {
      this.drop('invalid_metadata');
      logger().error(`The metadata of "${name}" could not be read; the event was dropped.`, error);
    }
  }

  // What `spanStart` does, for an emit: the control, then the handlers.
  #admit(handlers: readonly HandlerEntry[], name: string, m: Measurements, md: Metadata): void {
    if (this.#control.filtering) {
      const rate = this.#control.decide(name, md);
      if (typeof rate === 'string') this.drop(rate);
      else this.#callAt(handlers, name, m, md, rate);
    } else this.#call(handlers, name, m, md);
  }

  // The handlers, with metadata carrying `sampleRate` when the event was kept at a rate below 1.
  #callAt(handlers: readonly HandlerEntry[], name: string, m: Measurements, md: Metadata, rate: number): void {
    if (rate < 1) {
      md = copyMetadata(md);
      md.sampleRate = rate;
    }
    this.#call(handlers, name, m, md);
  }

  // `handlers` is the snapshot taken when the emit began: a handler attached meanwhile waits for
  // the next emit, and one detached meanwhile runs a no-op (HandlerRegistry.remove).
  #call(handlers: readonly HandlerEntry[], name: string, m: Measurements, md: Metadata): void {
    for (let i = 0; i < handlers.length; i++) {
      const entry = handlers[i] as HandlerEntry;
      entry.calls++;
      try {
        const result = entry.fn(name, m, md, entry.config);
        if (result !== undefined) this.#watch(result, entry, name);
      } catch (error) {
        this.#failed(entry, name, error);
      }
    }
  }

  // A returned promise (or other thenable) that rejects is a failure. Out of the loop: a closure
  // there would make V8 allocate a context for every handler call.
  #watch(result: unknown, entry: HandlerEntry, name: string): void {
    if (isThenable(result)) result.then(undefined, (error: unknown) => this.#failed(entry, name, error));
  }

  // The failure policy. A handler failing on a failure event is detached whatever its policy; a
  // failure inside failure handling is logged, not emitted: a broken failure handler never loops.
  #failed(entry: HandlerEntry, name: string, error: unknown): void {
    entry.failures++;
    this.failures++;
    entry.lastError = describeError(error);
    const ofFailureEvent = name === HANDLER_FAILURE_EVENT;
    if (this.#registry.isAttached(entry) && (entry.onFailure === 'detach' || ofFailureEvent)) {
      this.#detach(entry.id);
    }
    if (ofFailureEvent) {
      logger().error(`Handler "${entry.id}" failed while handling "${name}" and was detached.`, error);
      return;
    }
    if (this.#failureDepth > 0) {
      logger().error(
        `Handler "${entry.id}" failed while handling "${name}" inside failure handling; no failure event is emitted for it.`,
        error,
      );
      return;
    }
    this.#failureDepth++;
    try {
      const handlers = this.#registry.resolve(HANDLER_FAILURE_EVENT);
      if (handlers.length > 0) {
        this.#deliver(handlers, HANDLER_FAILURE_EVENT, { count: 1 }, { handlerId: entry.id, event: name, error });
      }
    } finally {
      this.#failureDepth--;
    }
  }
}

/** True for a promise or any other object or function with a `then` method. */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as PromiseLike<unknown>).then === 'function'
  );
}
