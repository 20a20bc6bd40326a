import type { SpanStart } from '../bus/dispatcher.js';
import type { HandlerEntry } from '../bus/handler-registry.js';
import type { Measurements, Metadata } from '../bus/types.js';
import type { TelemetryContext } from '../context/context.js';
import { addMetadata, copyMetadata } from '../context/copy-metadata.js';
import { logger } from '../log/logger.js';
import type { SpanRecorder } from './span-recorder.js';
import type { Span, SpanFailureKind } from './types.js';

/** The three event names of a span's prefix. */
export interface SpanNames {
  readonly prefix: string;
  readonly start: string;
  readonly stop: string;
  readonly exception: string;
}

/**
 * A recording span. It is also the context inner code runs in (`spanId` is the parent of inner
 * spans), so entering it allocates nothing more.
 */
export class ActiveSpan implements Span, TelemetryContext {
  readonly spanId: string;
  readonly parentSpanId: string | undefined;
  readonly correlationId: string | undefined;
  readonly baggage: Readonly<Record<string, unknown>>;
  readonly recording = true;
  readonly #recorder: SpanRecorder;
  readonly #names: SpanNames;
  readonly #startTime: number;
  // start metadata with the span's ids; stop and exception reuse it when nothing was added
  readonly #metadata: Metadata;
  #added: Metadata | undefined = undefined;
  // stop measurements added by `measure`, before the span's own
  #measured: Measurements | undefined = undefined;
  #ended = false;
  #start: SpanStart = undefined;

  constructor(
    recorder: SpanRecorder,
    names: SpanNames,
    spanId: string,
    parent: TelemetryContext | undefined,
    metadata: Metadata | undefined,
    baggage: Readonly<Record<string, unknown>>,
    startTime: number,
  ) {
    this.#recorder = recorder;
    this.#names = names;
    this.spanId = spanId;
    this.parentSpanId = parent?.spanId;
    const given = metadata?.correlationId;
    this.correlationId = parent?.correlationId ?? (typeof given === 'string' ? given : undefined);
    this.baggage = baggage;
    this.#startTime = startTime;
    this.#metadata = this.#withIds(copyMetadata(metadata));
  }

  get ended(): boolean {
    return this.#ended;
  }

  get context(): TelemetryContext {
    return this;
  }

  /** Emits the start event to its `handlers`. Called once, right after construction. */
  begin(handlers: readonly HandlerEntry[]): void {
    if (handlers.length === 0) return;
    const start = this.#startTime;
    const m = { monotonicTime: start, systemTime: TIME_ORIGIN + start };
    this.#start = this.#recorder.bus.spanStart(handlers, this.#names.start, m, this.#metadata);
  }

  set(key: string, value: unknown): Span {
    if (this.#ended || key === '__proto__') return this;
    if (this.#added === undefined) this.#added = {};
    this.#added[key] = value;
    return this;
  }

  measure(measurements: Measurements): Span {
    if (this.#ended) return this;
    this.#measured = this.#addMeasurements(this.#measured ?? {}, measurements);
    return this;
  }

  end(extra?: Metadata, measurements?: Measurements): void {
    if (this.#ended) return;
    const now = performance.now();
    this.#ended = true;
    const handlers = this.#close(this.#names.stop);
    if (handlers.length === 0) return;
    const duration = now - this.#startTime;
    let m: Measurements;
    if (this.#measured === undefined && measurements === undefined) m = { duration, monotonicTime: now };
    else {
      m = this.#measured ?? {};
      if (measurements !== undefined) this.#addMeasurements(m, measurements);
      // the span's own measurements win, as in :telemetry.span
      m.duration = duration;
      m.monotonicTime = now;
    }
    this.#recorder.bus.spanEnd(handlers, this.#names.stop, m, this.#final(extra), this.#start);
  }

  fail(error: unknown, extra?: Metadata): void {
    if (this.#ended) return;
    const now = performance.now();
    this.#ended = true;
    const handlers = this.#close(this.#names.exception);
    if (handlers.length === 0) return;
    const md = copyMetadata(this.#final(extra));
    md.kind = failureKind(error);
    md.error = error;
    this.#recorder.bus.spanEnd(
      handlers,
      this.#names.exception,
      { duration: now - this.#startTime, monotonicTime: now },
      md,
      this.#start,
    );
  }

  run<R>(fn: () => R): R {
    return this.#recorder.enter(this, fn);
  }

  bind<F extends (...args: never[]) => unknown>(fn: F): F {
    const span = this;
    return function bound(this: unknown, ...args: Parameters<F>) {
      return span.run(() => Reflect.apply(fn, this, args));
    } as F;
  }

  // Counts the span as ended; the handlers of its stop (or exception) event now, resolved like an emit's.
  #close(name: string): readonly HandlerEntry[] {
    this.#recorder.open--;
    return this.#recorder.bus.handlersOf(name);
  }

  // Copies numeric measurements onto `target`. A value that is not a number is left out, and a
  // getter or Proxy that throws leaves out what could not be read: the span still ends.
  #addMeasurements(target: Measurements, source: Measurements): Measurements {
    try {
      for (const key in source) {
        const value = source[key];
        if (key === '__proto__') continue;
        if (typeof value === 'number') target[key] = value;
        else logger().warn(`Span "${this.#names.stop}": measurement "${key}" is not a number and was left out.`);
      }
    } catch (error) {
      logger().error(`The measurements of span "${this.#names.stop}" could not be read and were left out.`, error);
    }
    return target;
  }

  #final(extra: Metadata | undefined): Metadata {
    const added = this.#added;
    if (added === undefined && extra === undefined) return this.#metadata;
    const md = copyMetadata(this.#metadata);
    if (added !== undefined) addMetadata(md, added);
    if (extra !== undefined) {
      try {
        addMetadata(md, extra);
      } catch (error) {
        // a getter or Proxy that throws: the span still ends, without what could not be read
        logger().error(`The end metadata of span "${this.#names.stop}" could not be read and was left out.`, error);
      }
    }
    return this.#withIds(md);
  }

  // standard keys win over the caller's keys of the same name
  #withIds(md: Metadata): Metadata {
    md.spanId = this.spanId;
    if (this.parentSpanId !== undefined) md.parentSpanId = this.parentSpanId;
    else if (md.parentSpanId !== undefined) delete md.parentSpanId;
    // all three events carry the start's correlation id, or none: sampling keys on it
    if (this.correlationId !== undefined) md.correlationId = this.correlationId;
    else if (md.correlationId !== undefined) delete md.correlationId;
    return md;
  }
}

// constant for the life of the page or process; reading it per span costs more than the clock
const TIME_ORIGIN = typeof performance === 'undefined' ? 0 : performance.timeOrigin;

function failureKind(error: unknown): SpanFailureKind {
  return error instanceof Error ? 'error' : 'throw';
}
