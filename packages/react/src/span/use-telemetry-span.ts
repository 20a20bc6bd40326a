import type { CatalogEvents, CatalogTelemetry, Metadata, SpanMetadataOf, SpanPrefixOf, Telemetry } from '@isotel/core';
import { useContext, useInsertionEffect, useLayoutEffect, useState, useSyncExternalStore } from 'react';
import { CorrelationContext } from '../correlation/correlation-scope.js';
import { useTelemetry } from '../provider.js';
import { useHold } from '../use-hold.js';
import { type Span, SpanController } from './span-controller.js';

/**
 * The span prefixes an instance accepts: any string, or for a catalog-typed instance the
 * prefixes whose `.start` event the catalog describes.
 */
export type SpanPrefixFor<T extends Telemetry> =
  T extends CatalogTelemetry<infer C> ? SpanPrefixOf<CatalogEvents<C>> : string;

/** The metadata a span of `prefix` starts with on instance `T` (its catalogued `.start` metadata). */
export type SpanMetadataFor<T extends Telemetry, P extends string> =
  T extends CatalogTelemetry<infer C> ? SpanMetadataOf<CatalogEvents<C>, P> : Metadata;

/** Options of {@link useTelemetrySpan} and {@link useMountSpan}. */
export interface UseSpanOptions<T extends Telemetry = Telemetry> {
  /** The instance to emit on; passing it also types the prefix. @default the provider's instance */
  telemetry?: T;
}

/**
 * The parameters of {@link useTelemetrySpan} and {@link useMountSpan} on instance `T`:
 * `(prefix, metadata?, options?)`. As `span()` does, they require the metadata exactly when the
 * prefix's catalogued `.start` event requires a key. One tuple per prefix, so a prefix that is not
 * inferred (`useTelemetrySpan<typeof t>('checkout.payment')`) is still checked against its own
 * start event.
 *
 * @example
 * function useCheckoutSpan(...params: SpanParamsFor<typeof telemetry>) {
 *   return useTelemetrySpan<typeof telemetry>(...params)
 * }
 */
export type SpanParamsFor<T extends Telemetry, P extends string = SpanPrefixFor<T>> = P extends string
  ? // biome-ignore lint/complexity/noBannedTypes: `{} extends M` is the test for "M requires no key"
    {} extends SpanMetadataFor<T, P>
    ? [prefix: P, metadata?: SpanMetadataFor<T, P> | undefined, options?: UseSpanOptions<T> | undefined]
    : [prefix: P, metadata: SpanMetadataFor<T, P>, options?: UseSpanOptions<T> | undefined]
  : never;

/** The stable handle {@link useTelemetrySpan} returns. */
export interface TelemetrySpanHandle {
  /**
   * Runs `fn` (sync or async) inside a span of the hook's prefix: `<prefix>.start`, then
   * `.stop` or `.exception` (rethrown). Returns `fn`'s result. Several runs may overlap. The span
   * ends with `fn`, never at unmount, so `run` also works after unmount.
   */
  run<R>(fn: (span: Span) => R): R;
  /**
   * Starts the hook's span with the latest metadata (plus `extra`); ignored while one runs, and
   * ignored after unmount (nothing would end that span).
   */
  start(extra?: Metadata): void;
  /** Ends the started span (`<prefix>.stop`, `extra` added); ignored when none runs. */
  end(extra?: Metadata): void;
  /** Fails the started span (`<prefix>.exception` with `{ kind, error }`); ignored when none runs. */
  fail(error: unknown, extra?: Metadata): void;
  /** True while a started span runs or a `run` is in flight. The component re-renders when it flips. */
  readonly active: boolean;
}

/** The handle {@link useMountSpan} returns. */
export type MountSpanHandle = Pick<TelemetrySpanHandle, 'end' | 'fail' | 'active'>;

/**
 * @internal The controller of one hook instance, kept pointed at the latest render's values and
 * held while the component is mounted; a span still running at unmount ends with `endAtUnmount`.
 */
export function useSpanController(
  prefix: string,
  metadata: Metadata | undefined,
  telemetry: Telemetry | undefined,
  endAtUnmount?: Metadata,
) {
  const fromContext = useTelemetry();
  const correlationId = useContext(CorrelationContext);
  const target = { telemetry: telemetry ?? fromContext, prefix, metadata, correlationId };
  const [controller] = useState(() => new SpanController(target, endAtUnmount));
  // The latest values are handed over after commit: a render React throws away changes nothing.
  useInsertionEffect(() => controller.update(target));
  // Released at unmount only: a hide keeps the hold, so a span runs on while hidden.
  useHold(controller);
  useSyncExternalStore(controller.subscribe, controller.isActive, controller.isActive);
  return { controller, telemetry: target.telemetry };
}

/**
 * A span of `prefix` that the component starts and ends itself, or wraps work in with `run`.
 * The handle is the same object on every render. New `metadata` on a re-render is read when
 * the next span starts; it never restarts a running span. A span still running at unmount ends
 * with `{ abandoned: true }` (StrictMode's simulated unmount does not end it); after unmount
 * `start` is ignored.
 *
 * A hidden component (`<Activity mode="hidden">`, a Suspense boundary showing its fallback
 * again) is still mounted: its span runs on, and an `end`/`fail` called while it is hidden ends
 * it with that outcome.
 *
 * With a typed catalog, pass the instance (`{ telemetry: t }`) and the prefix and metadata are
 * checked against the catalog; or name its type (`useTelemetrySpan<typeof t>(...)`) to use the
 * provider's instance as that type.
 *
 * @example
 * const save = useTelemetrySpan('profile.save', { userId })
 * const onSubmit = () => save.run(() => api.save(form))
 */
export function useTelemetrySpan<T extends Telemetry = Telemetry, P extends SpanPrefixFor<T> = SpanPrefixFor<T>>(
  ...params: SpanParamsFor<T, P>
): TelemetrySpanHandle;
export function useTelemetrySpan(
  prefix: string,
  metadata?: Metadata,
  options: UseSpanOptions = {},
): TelemetrySpanHandle {
  const { controller, telemetry } = useSpanController(prefix, metadata, options.telemetry, ABANDONED);
  useLayoutEffect(() => controller.shown(telemetry, prefix), [controller, telemetry, prefix]);
  return controller;
}

const ABANDONED: Metadata = Object.freeze({ abandoned: true });
