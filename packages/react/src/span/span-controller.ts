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
 * The stable object behind `useTelemetrySpan` and `useMountSpan`. It reads the latest target
 * (instance, prefix, metadata, correlation scope) only when a span starts, so re-renders with
 * new metadata never restart a running span. `active` is observable for `useSyncExternalStore`.
 */
export class SpanController {
  #target: SpanTarget;
  #span: Span | undefined;
  #spanTarget: SpanTarget | undefined;
  #running = 0;
  #active = false;
  #unmountPending = false;
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
    if (this.#span !== undefined) return;
    const target = this.#target;
    const metadata = extra === undefined ? target.metadata : { ...target.metadata, ...extra };
    this.#spanTarget = target;
    this.#span =
      target.correlationId === undefined
        ? target.telemetry.startSpan(target.prefix, metadata)
        : target.telemetry.withContext({ correlationId: target.correlationId }, () =>
            target.telemetry.startSpan(target.prefix, metadata),
          );
    this.#changed();
  };

  readonly end = (extra?: Metadata): void => {
    const span = this.#take();
    if (span === undefined) return;
    span.end(extra);
    this.#changed();
  };

  readonly fail = (error: unknown, extra?: Metadata): void => {
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
   * @internal The component mounted (again) for `telemetry` and `prefix`. StrictMode unmounts
   * and remounts synchronously; a pending unmount is cancelled then, so the span it would have
   * ended keeps running. A span started for another instance or prefix ends now.
   */
  mounted(telemetry: Telemetry, prefix: string): void {
    if (!this.#unmountPending) return;
    this.#unmountPending = false;
    const before = this.#spanTarget;
    if (before !== undefined && (before.telemetry !== telemetry || before.prefix !== prefix)) this.end();
  }

  /** @internal The component unmounted: its span ends a microtask later unless it remounts. */
  unmounted(extra: Metadata | undefined): void {
    this.#unmountPending = true;
    queueMicrotask(() => {
      if (!this.#unmountPending) return;
      this.#unmountPending = false;
      this.end(extra);
    });
  }

  #take(): Span | undefined {
    const span = this.#span;
    this.#span = undefined;
    this.#spanTarget = undefined;
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
