import type { Metadata, Telemetry } from '@isotel/core';

/** A span handle as core's `startSpan` returns it. */
export type Span = ReturnType<Telemetry['startSpan']>;

/** What the hooks hand the controller on each render. */
export interface SpanTarget {
  readonly telemetry: Telemetry;
  readonly prefix: string;
  readonly metadata: Metadata | undefined;
  readonly correlationId: string | undefined;
}

const EMPTY: Metadata = Object.freeze({});

/**
 * Where the component stands: never mounted yet, mounted, `leaving` (its layout cleanup ran; the
 * span ends a microtask later unless it mounts again) or `gone` (unmounted, or hidden).
 */
type Phase = 'new' | 'mounted' | 'leaving' | 'gone';

/** A span that a hide or unmount ended, to start again if the component shows again. */
interface Interrupted {
  readonly target: SpanTarget;
  readonly metadata: Metadata | undefined;
}

/**
 * The stable object behind `useTelemetrySpan` and `useMountSpan`. It reads the latest target
 * (instance, prefix, metadata, correlation scope) only when a span starts, so re-renders with
 * new metadata never restart a running span. `active` is observable for `useSyncExternalStore`.
 *
 * React runs the same layout cleanup when it unmounts a component and when it hides one
 * (`<Activity mode="hidden">`, a Suspense boundary showing its fallback again), and says nothing
 * about which it was. So both end the span: keeping it open could leave it open forever. Only a
 * component whose state survived can mount again, so a later `mounted` tells a hide apart after
 * the fact: the span the hide ended then starts again with `{ resumed: true }`, and the app's own
 * `end(...)` reaches it. After unmount (or while hidden) `start` is ignored.
 */
export class SpanController {
  #target: SpanTarget;
  #span: Span | undefined;
  #spanTarget: SpanTarget | undefined;
  #spanMetadata: Metadata | undefined;
  #running = 0;
  #active = false;
  #phase: Phase = 'new';
  #mountedTelemetry: Telemetry | undefined;
  #mountedPrefix: string | undefined;
  #interrupted: Interrupted | undefined;
  readonly #listeners = new Set<() => void>();

  constructor(target: SpanTarget) {
    this.#target = target;
  }

  /** True while a started span has not ended, or a `run` is in flight. */
  get active(): boolean {
    return this.#active;
  }

  /** @internal Called by the hooks after each render. */
  update(target: SpanTarget): void {
    this.#target = target;
  }

  readonly start = (extra?: Metadata): void => {
    // Unmounted (or hidden): nothing would ever end a span started now.
    if (this.#span !== undefined || this.#phase === 'leaving' || this.#phase === 'gone') return;
    const target = this.#target;
    this.#open(target, extra === undefined ? target.metadata : { ...target.metadata, ...extra });
  };

  readonly end = (extra?: Metadata): void => {
    // The app ended the flow: a span a hide interrupted is not started again.
    this.#interrupted = undefined;
    const span = this.#take();
    if (span === undefined) return;
    span.end(extra);
    this.#changed();
  };

  readonly fail = (error: unknown, extra?: Metadata): void => {
    this.#interrupted = undefined;
    const span = this.#take();
    if (span === undefined) return;
    span.fail(error, extra);
    this.#changed();
  };

  readonly run = <R>(fn: (span: Span) => R): R => {
    const { telemetry, prefix, metadata, correlationId } = this.#target;
    this.#running++;
    this.#changed();
    let result: R;
    try {
      result =
        correlationId === undefined
          ? telemetry.span(prefix, metadata ?? EMPTY, fn)
          : telemetry.withContext({ correlationId }, () => telemetry.span(prefix, metadata ?? EMPTY, fn));
    } catch (error) {
      this.#settled();
      throw error;
    }
    if (isThenable(result)) {
      result.then(this.#settled, this.#settled);
    } else {
      this.#settled();
    }
    return result;
  };

  readonly subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  readonly isActive = (): boolean => this.#active;

  /**
   * @internal The component's layout effect ran for `telemetry` and `prefix`: a first mount, a
   * synchronous remount (StrictMode, changed dependencies), or a component shown again after a
   * hide. A pending end is cancelled, so StrictMode keeps the one span; a span started for
   * another instance or prefix ends. Shown again, the span the hide ended starts again, marked
   * `resumed`. With `startOnMount` (`useMountSpan`), a first mount or a new instance or prefix
   * starts a span.
   */
  mounted(telemetry: Telemetry, prefix: string, startOnMount = false): void {
    const phase = this.#phase;
    this.#phase = 'mounted';
    const moved = phase !== 'new' && (this.#mountedTelemetry !== telemetry || this.#mountedPrefix !== prefix);
    this.#mountedTelemetry = telemetry;
    this.#mountedPrefix = prefix;
    const before = this.#spanTarget;
    if (before !== undefined && (before.telemetry !== telemetry || before.prefix !== prefix)) this.end();
    const interrupted = this.#interrupted;
    this.#interrupted = undefined;
    if (
      interrupted !== undefined &&
      interrupted.target.telemetry === telemetry &&
      interrupted.target.prefix === prefix
    ) {
      this.#open(interrupted.target, { ...interrupted.metadata, resumed: true });
    } else if (startOnMount && (phase === 'new' || moved)) {
      this.start();
    }
  }

  /**
   * @internal The component's layout cleanup ran: it unmounted or was hidden. Its span ends a
   * microtask later with `extra` unless it mounts again first (StrictMode remounts at once).
   */
  unmounted(extra: Metadata | undefined): void {
    this.#phase = 'leaving';
    queueMicrotask(() => {
      if (this.#phase !== 'leaving') return;
      this.#phase = 'gone';
      const target = this.#spanTarget;
      if (target === undefined) return;
      const metadata = this.#spanMetadata;
      this.end(extra);
      this.#interrupted = { target, metadata };
    });
  }

  #open(target: SpanTarget, metadata: Metadata | undefined): void {
    this.#spanTarget = target;
    this.#spanMetadata = metadata;
    this.#span =
      target.correlationId === undefined
        ? target.telemetry.startSpan(target.prefix, metadata)
        : target.telemetry.withContext({ correlationId: target.correlationId }, () =>
            target.telemetry.startSpan(target.prefix, metadata),
          );
    this.#changed();
  }

  #take(): Span | undefined {
    const span = this.#span;
    this.#span = undefined;
    this.#spanTarget = undefined;
    this.#spanMetadata = undefined;
    return span;
  }

  readonly #settled = (): void => {
    this.#running--;
    this.#changed();
  };

  #changed(): void {
    const active = this.#span !== undefined || this.#running > 0;
    if (active === this.#active) return;
    this.#active = active;
    for (const listener of [...this.#listeners]) listener();
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && typeof value === 'object' && typeof (value as { then?: unknown }).then === 'function';
}
