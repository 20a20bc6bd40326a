import { type Metadata, type Telemetry, withContext } from '@isotel/core';
import type { Holdable } from '../use-hold.js';

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
 *
 * The hooks hold it from the commit that mounts the component (`useHold`); its release is the
 * unmount. A hide (`<Activity mode="hidden">`, a Suspense fallback) keeps the hold, so a span runs
 * on while its component is hidden, and an `end`/`fail` given meanwhile ends it as usual.
 */
export class SpanController implements Holdable {
  #target: SpanTarget;
  readonly #endAtUnmount: Metadata | undefined;
  #span: Span | undefined;
  #spanTarget: SpanTarget | undefined;
  #running = 0;
  #active = false;
  #unmounted = false;
  // The instance and prefix the component's layout effect last ran with; none before it runs.
  #shownWith: { readonly telemetry: Telemetry; readonly prefix: string } | undefined;
  readonly #listeners = new Set<() => void>();

  /** `endAtUnmount` is what a span still running at unmount ends with. */
  constructor(target: SpanTarget, endAtUnmount?: Metadata) {
    this.#target = target;
    this.#endAtUnmount = endAtUnmount;
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
    // After unmount nothing would ever end a span started now.
    if (this.#span !== undefined || this.#unmounted) return;
    const target = this.#target;
    this.#open(target, extra === undefined ? target.metadata : { ...target.metadata, ...extra });
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
          : withContext({ correlationId }, () => telemetry.span(prefix, metadata ?? EMPTY, fn));
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
   * @internal The component is mounted until the returned function is called: its unmount. A span
   * still running then ends with `endAtUnmount`, a microtask later: outside React's commit, where
   * a handler may set state, and not at all if the component is held again first.
   */
  hold(): () => void {
    this.#unmounted = false;
    return () => {
      this.#unmounted = true;
      this.#shownWith = undefined;
      queueMicrotask(() => {
        if (this.#unmounted) this.end(this.#endAtUnmount);
      });
    };
  }

  /**
   * @internal The component's layout effect ran for `telemetry` and `prefix`: at mount, when
   * shown again after a hide, when StrictMode re-runs it, or when either changed. A span started
   * for another instance or prefix ends. With `startOnMount` (`useMountSpan`), the first run
   * after mount, or a run for a new instance or prefix, starts a span.
   */
  shown(telemetry: Telemetry, prefix: string, startOnMount = false): void {
    const before = this.#shownWith;
    this.#shownWith = { telemetry, prefix };
    const running = this.#spanTarget;
    if (running !== undefined && (running.telemetry !== telemetry || running.prefix !== prefix)) this.end();
    if (startOnMount && (before === undefined || before.telemetry !== telemetry || before.prefix !== prefix)) {
      this.start();
    }
  }

  #open(target: SpanTarget, metadata: Metadata | undefined): void {
    this.#spanTarget = target;
    this.#span =
      target.correlationId === undefined
        ? target.telemetry.startSpan(target.prefix, metadata)
        : withContext({ correlationId: target.correlationId }, () =>
            target.telemetry.startSpan(target.prefix, metadata),
          );
    this.#changed();
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
