import type { CatalogEvents, CatalogTelemetry, Metadata, SpanMetadataOf, SpanPrefixOf, Telemetry } from '@isotel/core';
import { useContext, useInsertionEffect, useLayoutEffect, useState, useSyncExternalStore } from 'react';
import { CorrelationContext } from '../correlation/correlation-scope.js';
import { useTelemetry } from '../provider.js';
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

/** The stable handle {@link useTelemetrySpan} returns. */
export interface TelemetrySpanHandle {
  /**
   * Runs `fn` (sync or async) inside a span of the hook's prefix: `<prefix>.start`, then
   * `.stop` or `.exception` (rethrown). Returns `fn`'s result. Several runs may overlap. The span
   * ends with `fn`, never at unmount or a hide, so `run` also works after unmount.
   */
  run<R>(fn: (span: Span) => R): R;
  /**
   * Starts the hook's span with the latest metadata (plus `extra`); ignored while one runs, and
   * ignored after unmount or while the component is hidden (nothing would end that span).
   */
  start(extra?: Metadata): void;
  /**
   * Ends the started span (`<prefix>.stop`, `extra` added); ignored when none runs. Called while
   * the component is hidden, it finds the span already ended by the hide and only stops it from
   * starting again when the component shows.
   */
  end(extra?: Metadata): void;
  /** Fails the started span (`<prefix>.exception` with `{ kind, error }`); ignored when none runs. */
  fail(error: unknown, extra?: Metadata): void;
  /** True while a started span runs or a `run` is in flight. The component re-renders when it flips. */
  readonly active: boolean;
}

/** The handle {@link useMountSpan} returns. */
export type MountSpanHandle = Pick<TelemetrySpanHandle, 'end' | 'fail' | 'active'>;

/** @internal The controller of one hook instance, kept pointed at the latest render's values. */
export function useSpanController(prefix: string, metadata: Metadata | undefined, telemetry?: Telemetry) {
  const fromContext = useTelemetry();
  const correlationId = useContext(CorrelationContext);
  const target = { telemetry: telemetry ?? fromContext, prefix, metadata, correlationId };
  const [controller] = useState(() => new SpanController(target));
  // The latest values are handed over after commit: a render React throws away changes nothing.
  useInsertionEffect(() => controller.update(target));
  useSyncExternalStore(controller.subscribe, controller.isActive, controller.isActive);
  return { controller, telemetry: target.telemetry };
}

/**
 * A span of `prefix` that the component starts and ends itself, or wraps work in with `run`.
 * The handle is the same object on every render. New `metadata` on a re-render is read when
 * the next span starts; it never restarts a running span. A span still running at unmount ends
 * with `{ abandoned: true }` (a StrictMode remount does not end it); after unmount `start` is
 * ignored.
 *
 * React runs the same cleanup to hide a component (`<Activity mode="hidden">`, a Suspense
 * boundary showing its fallback again) as to unmount it, so a hide ends the span the same way.
 * If the component shows again, that span starts again with the same metadata plus
 * `{ resumed: true }`, and a later `end(...)` ends it. While hidden, `start` is ignored and
 * `end`/`fail` only cancel that restart. Work wrapped in `run` is not affected by a hide.
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
  prefix: P,
  metadata?: SpanMetadataFor<T, P>,
  options: UseSpanOptions<T> = {},
): TelemetrySpanHandle {
  const { controller, telemetry } = useSpanController(prefix, metadata as Metadata | undefined, options.telemetry);
  const spanPrefix: string = prefix;
  useLayoutEffect(() => {
    controller.mounted(telemetry, spanPrefix);
    return () => controller.unmounted(ABANDONED);
  }, [controller, telemetry, spanPrefix]);
  return controller;
}

const ABANDONED: Metadata = Object.freeze({ abandoned: true });
