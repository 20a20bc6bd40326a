import type { CatalogTelemetry } from '../catalog/catalog-telemetry.js';
import type { Catalog } from '../catalog/define-catalog.js';
import { controlEngineOf, TelemetryControl } from '../control/telemetry-control.js';
import { describeValue } from '../errors/describe-error.js';
import { IsotelError } from '../errors/isotel-error.js';
import { logger } from '../log/logger.js';
import { NOOP_SPAN } from '../span/noop-span.js';
import { SpanRecorder } from '../span/span-recorder.js';
import { addScope } from '../span/span-scopes.js';
import type { Span, SpanScope } from '../span/types.js';
import { Dispatcher } from './dispatcher.js';
import { type HandlerEntry, HandlerRegistry, INVALID_NAME } from './handler-registry.js';
import { listedBy, parsePattern } from './pattern.js';
import type {
  AttachOptions,
  EventThunk,
  Handler,
  HandlerInfo,
  Measurements,
  Metadata,
  TelemetryOptions,
  TelemetryStats,
} from './types.js';

export { HANDLER_FAILURE_EVENT } from './dispatcher.js';

/** The event isotel emits when the bus's control changes (`{ control, previous }` metadata). */
export const CONTROL_CHANGE_EVENT = 'telemetry.control.change';

// How parts of core reach a bus's span recorder, which the public API does not hand out.
let spanRecorderOf!: (t: Telemetry) => SpanRecorder;

export type { TelemetryOptions, TelemetryStats } from './types.js';

/**
 * An isolated telemetry bus. Use {@link createTelemetry} for tests, libraries and servers; the
 * module-level functions (`emit`, `attach`, ...) act on a shared default instance.
 */
export class Telemetry {
  static {
    spanRecorderOf = (t) => t.#spans;
  }

  readonly #registry: HandlerRegistry;
  /**
   * Runtime control of what this bus delivers (on/off, sampling, allow/deny), changeable at any
   * time. See {@link TelemetryControl}.
   *
   * @example t.control.set({ sampleRate: 0.1, deny: ['debug.**'] })
   */
  readonly control = new TelemetryControl();
  // the engine behind `control`, which decides each event while it filters
  readonly #controlEngine = controlEngineOf(this.control);
  /** The catalog given to `createTelemetry`, if any. */
  readonly catalog: Catalog | undefined;
  readonly #bus: Dispatcher;
  // true while at least one handler is attached: with nothing attached, emit is this one check
  #live = false;
  readonly #cache: HandlerRegistry['cache'];
  // The last name emitted and its handlers, forgotten by every change of handlers: emitting one
  // name repeatedly skips the Map lookup (bench/README.md, Bus: "two names alternating").
  #lastName = '';
  #lastHandlers: readonly HandlerEntry[] = INVALID_NAME;
  readonly #spans: SpanRecorder;
  // What shutdown runs, each once: sources (parts that emit into the bus) first, then the rest.
  readonly #closers = new Map<() => unknown, boolean>();

  constructor(options: TelemetryOptions = {}) {
    const size = options.dispatchCacheSize;
    if (size !== undefined && (!Number.isInteger(size) || size < 1)) {
      throw new IsotelError(
        'invalid_argument',
        `dispatchCacheSize must be a positive integer, got ${describeValue(size)}.`,
      );
    }
    this.#registry = new HandlerRegistry(size);
    this.#cache = this.#registry.cache;
    this.#bus = new Dispatcher(this.#registry, this.#controlEngine, (handlerId) => this.detach(handlerId));
    this.#spans = new SpanRecorder(this.#bus);
    this.catalog = options.catalog;
    this.control.subscribe((next, previous) => {
      this.emit(CONTROL_CHANGE_EVENT, { count: 1 }, { control: next, previous });
    });
  }

  /**
   * Emits an event to the handlers attached to its name. Synchronous; never throws.
   *
   * @example
   * t.emit('checkout.payment.stop', { duration: 12.5 }, { orderId })
   * t.emit('cache.miss', () => [{ count: 1 }, expensiveMetadata()]) // thunk runs only if someone listens
   */
  emit(name: string, measurements?: Measurements | EventThunk, metadata?: Metadata): void {
    if (!this.#live) return;
    let handlers = this.#lastHandlers;
    if (name !== this.#lastName) {
      handlers = this.#cache.get(name) ?? this.#registry.resolve(name);
      this.#lastName = name;
      this.#lastHandlers = handlers;
    }
    if (handlers.length > 0) this.#bus.publish(handlers, name, measurements, metadata);
    else if (handlers === INVALID_NAME) this.#bus.drop('invalid_name');
  }

  /** Emits `{ count }` (default 1). */
  emitCounter(name: string, count = 1, metadata?: Metadata): void {
    if (this.#live) this.emit(name, { count }, metadata);
  }

  /** Emits `{ duration }` in milliseconds. */
  emitTimer(name: string, durationMs: number, metadata?: Metadata): void {
    if (this.#live) this.emit(name, { duration: durationMs }, metadata);
  }

  /** Emits `{ value }`. */
  emitGauge(name: string, value: number, metadata?: Metadata): void {
    if (this.#live) this.emit(name, { value }, metadata);
  }
  /**
   * Attaches `handler` under a unique `handlerId` to one exact name or pattern (`*` one
   * segment, `**` any number). Throws `IsotelError` (`handler_exists`, `invalid_pattern`,
   * `invalid_handler`) on misuse.
   *
   * @example t.attach('log-payments', 'checkout.payment.*', (name, m, md) => log(name, m, md))
   */
  attach<Config = unknown>(
    handlerId: string,
    pattern: string,
    handler: Handler<Config>,
    options?: AttachOptions<Config>,
  ): void {
    this.attachMany(handlerId, [pattern], handler, options);
  }

  /** Attaches one handler to several names or patterns; it runs once per event. */
  attachMany<Config = unknown>(
    handlerId: string,
    patterns: readonly string[],
    handler: Handler<Config>,
    options?: AttachOptions<Config>,
  ): void {
    this.#registry.add(handlerId, patterns, handler as Handler<unknown>, options as AttachOptions<unknown> | undefined);
    this.#live = true;
    this.#forgetLastName();
  }

  /**
   * Detaches a handler. Returns false when no handler has that id. An emit in progress does not
   * call it after this returns.
   *
   * @example t.detach('log-payments')
   */
  detach(handlerId: string): boolean {
    const removed = this.#registry.remove(handlerId);
    this.#live = this.#registry.size > 0;
    this.#forgetLastName();
    return removed;
  }

  /**
   * Snapshots of the attached handlers, in attach order. With an argument, only handlers that
   * can receive events under that name prefix (`'checkout'`) or pattern (`'checkout.*.stop'`).
   * Throws `invalid_pattern` for an invalid filter.
   *
   * @example t.listHandlers('checkout').map((h) => [h.id, h.calls, h.failures])
   */
  listHandlers(prefixOrPattern?: string): HandlerInfo[] {
    const out: HandlerInfo[] = [];
    const filter = prefixOrPattern === undefined ? undefined : parsePattern(prefixOrPattern);
    for (const entry of this.#registry.entries()) {
      if (filter === undefined || entry.patterns.some((p) => listedBy(filter, p))) {
        out.push(this.#registry.info(entry));
      }
    }
    return out;
  }

  /**
   * True when an event of this name would reach at least one handler: some handler listens and
   * the control does not drop the name outright (off, denied, not allowed, sampled at 0). O(1)
   * after the first call.
   *
   * @example if (t.hasHandlers('report.ready')) t.emit('report.ready', {}, summarise(report))
   */
  hasHandlers(name: string): boolean {
    if (!this.#live || this.#registry.resolve(name).length === 0) return false;
    return !(this.#controlEngine.filtering && this.#controlEngine.refusalOf(name) !== undefined);
  }

  /**
   * Runs `fn` inside a span: emits `<prefix>.start` `{ monotonicTime, systemTime }`, then
   * `<prefix>.stop` `{ duration, monotonicTime }` when `fn` returns (or its promise settles), or
   * `<prefix>.exception` with `{ kind, error }` added when it throws (or rejects) - and rethrows
   * the same error (returns the same promise). All three carry the same `spanId`, the enclosing
   * span's `parentSpanId` and the `correlationId`. With nobody listening to the prefix, `fn`
   * runs with an inert span and no clock is read.
   *
   * @example
   * const order = await t.span('checkout.payment', { orderId }, async (span) => {
   *   const result = await charge(card)
   *   span.set('provider', result.provider)
   *   return result
   * })
   */
  span<R>(prefix: string, metadata: Metadata | undefined, fn: (span: Span) => R): R {
    return this.#live ? this.#spans.run(prefix, metadata, fn) : fn(NOOP_SPAN);
  }

  /**
   * Starts a span for code that cannot wrap a function (effects, streams); end it with
   * `end(extra?)` or `fail(error)`. It does not become the ambient context by itself: run inner
   * code through `span.run(fn)` / `span.bind(fn)` to make it the parent of inner spans.
   *
   * @example
   * const s = t.startSpan('upload', { size }); stream.on('end', () => s.end()).on('error', (e) => s.fail(e))
   */
  startSpan(prefix: string, metadata?: Metadata): Span {
    return this.#live ? this.#spans.start(prefix, metadata) : NOOP_SPAN;
  }

  /**
   * Counters about this instance.
   *
   * @example t.stats().dropped.invalid_name
   */
  stats(): TelemetryStats {
    return {
      handlers: this.#registry.size,
      cachedNames: this.#registry.cachedNames,
      handlerFailures: this.#bus.failures,
      openSpans: this.#spans.open,
      dropped: { ...this.#bus.dropped },
    };
  }

  /**
   * Registers work to run at {@link Telemetry.shutdown} (flushing an exporter, stopping a poller).
   * With `source: true` the part emits into the bus (a collector draining its uploads, a poller):
   * sources close first, so what they emit while closing still reaches the reporters and
   * exporters, which close after them. Returns a function that unregisters it.
   *
   * @example const unregister = t.onShutdown(() => exporter.flush())
   */
  onShutdown(close: () => unknown, options: { source?: boolean } = {}): () => void {
    this.#closers.set(close, options.source === true);
    return () => {
      this.#closers.delete(close);
    };
  }

  /**
   * Runs every registered shutdown callback once, sources first (errors are logged, not
   * thrown), then detaches all handlers.
   *
   * @example process.on('SIGTERM', () => void t.shutdown())
   */
  async shutdown(): Promise<void> {
    const closers = [...this.#closers];
    this.#closers.clear();
    for (const source of [true, false]) {
      const results = await Promise.allSettled(
        closers.filter(([, isSource]) => isSource === source).map(async ([close]) => close()),
      );
      for (const result of results) {
        if (result.status === 'rejected') logger().error('A shutdown callback failed.', result.reason);
      }
    }
    this.#registry.clear();
    this.#live = false;
    this.#forgetLastName();
  }

  #forgetLastName(): void {
    this.#lastName = '';
    this.#lastHandlers = INVALID_NAME;
  }
}

/**
 * @internal Runs the code inside every span of `t` (`span(...)`'s `fn`, a started span's
 * `run`/`bind`) in `scope` too: the OpenTelemetry bridge makes its own span current there, so
 * spans of OpenTelemetry instrumentations started inside are its children. Returns a function
 * that removes the scope.
 */
export function addSpanScope(t: Telemetry, scope: SpanScope): () => void {
  return addScope(spanRecorderOf(t), scope);
}

/**
 * Creates an isolated telemetry instance: its own handlers, cache and counters.
 *
 * @example
 * const t = createTelemetry()
 * t.attach('log', 'checkout.**', (name, m) => console.info(name, m))
 * t.emit('checkout.payment.stop', { duration: 12 })
 */
export function createTelemetry<C extends Catalog>(options: TelemetryOptions & { catalog: C }): CatalogTelemetry<C>;
export function createTelemetry(options?: TelemetryOptions): Telemetry;
export function createTelemetry(options?: TelemetryOptions): Telemetry {
  return new Telemetry(options);
}
