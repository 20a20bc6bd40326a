import type { CatalogTelemetry } from '../catalog/catalog-telemetry.js';
import type { Catalog } from '../catalog/define-catalog.js';
import { activeContext, contextSlot, type TelemetryContext } from '../context/context.js';
import { copyMetadata } from '../context/copy-metadata.js';
import { bind, type ContextValues, withAmbientCorrelation, withContext } from '../context/with-context.js';
import { controlEngineOf, TelemetryControl } from '../control/telemetry-control.js';
import { IsotelError } from '../errors/isotel-error.js';
import { logger } from '../log/logger.js';
import { NOOP_SPAN } from '../span/noop-span.js';
import { SpanRecorder } from '../span/span-recorder.js';
import type { Span, SpanScope } from '../span/types.js';
import { HandlerFailures } from './handler-failures.js';
import { type HandlerEntry, HandlerRegistry, INVALID_NAME } from './handler-registry.js';
import { listedBy, parsePattern } from './pattern.js';
import { ShutdownClosers } from './shutdown-closers.js';
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

export { HANDLER_FAILURE_EVENT } from './handler-failures.js';

/** The event isotel emits when the bus's control changes (`{ control, previous }` metadata). */
export const CONTROL_CHANGE_EVENT = 'telemetry.control.change';

// How parts of core reach a bus's span recorder, which the public API does not hand out.
let spanRecorderOf!: (t: Telemetry) => SpanRecorder;

const EMPTY_MEASUREMENTS: Measurements = Object.freeze({}) as Measurements;
const EMPTY_METADATA: Metadata = Object.freeze({}) as Metadata;

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
  readonly #cache: HandlerRegistry['cache'];
  // A one-entry memo in front of the cache: the last name emitted and its handlers. Emitting the
  // same name again (a loop, a hot path) is then one string comparison instead of a Map lookup.
  // Reset by every attach/detach, which are the only changes to what a name resolves to. Always
  // a string ('' resolves to INVALID_NAME), so V8 keeps this comparison a string comparison.
  #lastName = '';
  #lastHandlers: readonly HandlerEntry[] = INVALID_NAME;
  // true while at least one handler is attached: with nothing attached, emit is this one check.
  // The hot paths test booleans with `=== true`/`=== false`: V8 does not track that a field
  // only ever holds booleans, so a bare `if (x)` compiles to a full truthiness test (false, '',
  // 0, NaN, 0n...), where a strict comparison is one pointer comparison.
  #live = false;
  // the shared context slot, whose flag #ambient reads
  readonly #context = contextSlot();
  // spans resolve their three names' handlers once per prefix and dispatch to them directly
  readonly #spans = new SpanRecorder({
    resolve: (name) => this.#registry.resolve(name),
    start: (handlers, name, m, md) => this.#spanStart(handlers, name, m, md),
    end: (handlers, name, m, md, start) => this.#spanEnd(handlers, name, m, md, start),
    drop: (reason) => this.#drop(reason),
  });
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
  readonly #failures = new HandlerFailures({
    isAttached: (entry) => this.#registry.isAttached(entry),
    detach: (handlerId) => this.detach(handlerId),
    emit: (name, m, md) => this.emit(name, m, md),
  });
  readonly #dropped: Record<string, number> = {};
  readonly #closers = new ShutdownClosers();

  constructor(options: TelemetryOptions = {}) {
    const size = options.dispatchCacheSize;
    if (size !== undefined && (!Number.isInteger(size) || size < 1)) {
      throw new IsotelError('invalid_argument', `dispatchCacheSize must be a positive integer, got ${String(size)}.`);
    }
    this.#registry = new HandlerRegistry(size);
    this.catalog = options.catalog;
    this.#cache = this.#registry.cache;
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
    if (this.#live === false) return;
    let handlers: readonly HandlerEntry[];
    if (name === this.#lastName) {
      handlers = this.#lastHandlers;
    } else {
      // the cached list is read here, without a call into the registry: this is the common path
      handlers = this.#cache.get(name) ?? this.#registry.resolve(name);
      this.#lastName = name;
      this.#lastHandlers = handlers;
    }
    if (handlers.length === 0) {
      if (handlers === INVALID_NAME) this.#drop('invalid_name');
      return;
    }
    if (typeof measurements === 'function') this.#emitLazy(handlers, name, measurements, metadata);
    else if (measurements == null || metadata == null) this.#emitDefaults(handlers, name, measurements, metadata);
    else this.#dispatch(handlers, name, measurements, metadata);
  }

  // An emit that omitted its measurements or metadata (or passed `null`): handlers get `{}`.
  // Out of line, so that an emit passing both pays one test for it (bench/README.md, Bus).
  #emitDefaults(handlers: readonly HandlerEntry[], name: string, m?: Measurements, md?: Metadata): void {
    this.#dispatch(handlers, name, m ?? EMPTY_MEASUREMENTS, md ?? EMPTY_METADATA);
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
    this.#spans.invalidate();
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
    this.#spans.invalidate();
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
    return !(this.#controlEngine.filtering === true && this.#controlEngine.refusalOf(name) !== undefined);
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
   * Runs `fn` in a context scope whose events carry `correlationId` (given, inherited, or a new
   * UUIDv7). Context is ambient and shared by every instance on the page or process.
   *
   * @example t.withContext({ correlationId: requestId, route }, () => handle(request))
   */
  withContext<R>(values: ContextValues, fn: () => R): R {
    return withContext(values, fn);
  }

  /** The correlation id in force, if any. */
  getCorrelationId(): string | undefined {
    return activeContext()?.correlationId;
  }

  /** The context in force (correlation id, enclosing span id, baggage), if any. */
  getContext(): TelemetryContext | undefined {
    return activeContext();
  }

  /** Returns `fn` bound to the context in force now. See {@link bind}. */
  bind<F extends (...args: never[]) => unknown>(fn: F): F {
    return bind(fn);
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
      handlerFailures: this.#failures.count,
      openSpans: this.#spans.open,
      dropped: { ...this.#dropped },
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
    return this.#closers.add(close, options.source === true);
  }

  /**
   * Runs every registered shutdown callback once, sources first (errors are logged, not
   * thrown), then detaches all handlers.
   *
   * @example process.on('SIGTERM', () => void t.shutdown())
   */
  async shutdown(): Promise<void> {
    await this.#closers.runAll();
    this.#registry.clear();
    this.#live = false;
    this.#spans.invalidate();
    this.#forgetLastName();
  }

  /** Counts an event that was not delivered; used by the parts layered on the bus. */
  protected countDrop(reason: string): void {
    this.#drop(reason);
  }

  #forgetLastName(): void {
    this.#lastName = '';
    this.#lastHandlers = INVALID_NAME;
  }

  #drop(reason: string): void {
    this.#dropped[reason] = (this.#dropped[reason] ?? 0) + 1;
  }

  // The thunk's metadata, else the metadata given beside the thunk.
  #emitLazy(handlers: readonly HandlerEntry[], name: string, thunk: EventThunk, metadata: Metadata | undefined): void {
    // an event the control drops by name never runs its thunk
    if (this.#controlEngine.filtering === true) {
      const refused = this.#controlEngine.refusalOf(name);
      if (refused !== undefined) {
        this.#drop(refused);
        return;
      }
    }
    let m: Measurements;
    let md: Metadata;
    try {
      const pair = thunk();
      m = pair?.[0] ?? EMPTY_MEASUREMENTS;
      md = pair?.[1] ?? metadata ?? EMPTY_METADATA;
    } catch (error) {
      this.#drop('thunk_failed');
      logger().error(`The metadata thunk of "${name}" threw; the event was dropped.`, error);
      return;
    }
    this.#dispatch(handlers, name, m, md);
  }

  // `handlers` is the snapshot taken when the emit began: a handler attached meanwhile waits for
  // the next emit, and one detached meanwhile (by itself or another handler) is skipped.
  #dispatch(handlers: readonly HandlerEntry[], name: string, m: Measurements, md: Metadata): void {
    try {
      this.#deliver(handlers, name, m, this.#ambient(md));
    } catch (error) {
      // Handlers' own errors never reach here (#deliver isolates each call): this is metadata
      // that threw when read for the correlation id or the sampling key (a getter, a Proxy).
      this.#unreadable(name, error);
    }
  }

  #unreadable(name: string, error: unknown): void {
    this.#drop('invalid_metadata');
    logger().error(`The metadata of "${name}" could not be read; the event was dropped.`, error);
  }

  // The metadata with the ambient correlation id. Until a scope may have been entered this is one
  // field read: calls through imported functions each cost V8 a binding load, a hole check and a
  // target check in every emit (Node runs the package as separate ES modules).
  #ambient(md: Metadata): Metadata {
    return this.#context.inUse === false ? md : withAmbientCorrelation(md);
  }

  // Delivery proper: the control, then the handlers.
  #deliver(handlers: readonly HandlerEntry[], name: string, m: Measurements, md: Metadata): void {
    if (this.#controlEngine.filtering === true) {
      const admitted = this.#controlEngine.admit(name, md);
      if (typeof admitted === 'string') {
        this.#drop(admitted);
        return;
      }
      md = admitted;
    }
    this.#call(handlers, name, m, md);
  }

  // A span's start: offered to the control, delivered if admitted. Returns the rate it was kept
  // at, or why it was dropped, which its stop follows.
  #spanStart(handlers: readonly HandlerEntry[], name: string, m: Measurements, md: Metadata): number | string {
    if (this.#controlEngine.filtering === false) {
      this.#call(handlers, name, m, md);
      return 1;
    }
    const decided = this.#controlEngine.admit(name, md);
    if (typeof decided === 'string') {
      this.#drop(decided);
      return decided;
    }
    this.#call(handlers, name, m, decided);
    return decided === md ? 1 : (decided.sampleRate as number);
  }

  // A span's stop or exception. Its start was dropped: so is it, for the same reason. Its start
  // was kept: it is not sampled again, only refused by name (off, denied), and carries the
  // start's rate. Nobody heard its start: the control decides now.
  #spanEnd(
    handlers: readonly HandlerEntry[],
    name: string,
    m: Measurements,
    md: Metadata,
    start: number | string | undefined,
  ): void {
    if (typeof start === 'string') {
      this.#drop(start);
      return;
    }
    if (start === undefined) {
      this.#deliver(handlers, name, m, md);
      return;
    }
    if (this.#controlEngine.filtering === true) {
      const refused = this.#controlEngine.rateOf(name);
      if (typeof refused === 'string') {
        this.#drop(refused);
        return;
      }
    }
    if (start < 1) {
      md = copyMetadata(md);
      md.sampleRate = start;
    }
    this.#call(handlers, name, m, md);
  }

  // The handlers of an admitted event, each isolated from the others' failures.
  #call(handlers: readonly HandlerEntry[], name: string, m: Measurements, md: Metadata): void {
    for (let i = 0; i < handlers.length; i++) {
      // a handler detached since the snapshot was taken has a no-op here (HandlerRegistry.remove)
      const entry = handlers[i] as HandlerEntry;
      entry.calls++;
      try {
        const result = entry.fn(name, m, md, entry.config);
        if (result !== undefined) this.#failures.watch(result, entry, name);
      } catch (error) {
        this.#failures.failed(entry, name, error);
      }
    }
  }
}

/**
 * @internal Runs the code inside every span of `t` (`span(...)`'s `fn`, a started span's
 * `run`/`bind`) in `scope` too: the OpenTelemetry bridge makes its own span current there, so
 * spans of OpenTelemetry instrumentations started inside are its children. Returns a function
 * that removes the scope.
 */
export function addSpanScope(t: Telemetry, scope: SpanScope): () => void {
  return spanRecorderOf(t).addScope(scope);
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
