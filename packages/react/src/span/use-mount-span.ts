import type { Telemetry } from '@isotel/core';
import { useLayoutEffect } from 'react';
import {
  type MountSpanHandle,
  type SpanMetadataFor,
  type SpanPrefixFor,
  type UseSpanOptions,
  useSpanController,
} from './use-telemetry-span.js';

/**
 * A span of `prefix` from the component's mount (its first commit) to its unmount, or to an
 * explicit `end`/`fail` before that. StrictMode's simulated unmount and remount keep the one
 * span running; changing `prefix` or the instance ends it and starts another. Nothing is
 * emitted during server rendering.
 *
 * A hidden component (`<Activity mode="hidden">`, a Suspense boundary showing its fallback
 * again) cannot be told from an unmounted one, so the hide ends the span; when it shows again a
 * new span starts with `{ resumed: true }`, unless the span had been ended explicitly before.
 *
 * @example
 * function CheckoutPage() {
 *   const visit = useMountSpan('checkout.page', { step: 'cart' })
 *   return <button onClick={() => visit.end({ outcome: 'paid' })}>Pay</button>
 * }
 */
export function useMountSpan<T extends Telemetry = Telemetry, P extends SpanPrefixFor<T> = SpanPrefixFor<T>>(
  prefix: P,
  metadata?: SpanMetadataFor<T, P>,
  options: UseSpanOptions<T> = {},
): MountSpanHandle {
  const { controller, telemetry } = useSpanController(prefix, metadata, options.telemetry);
  const spanPrefix: string = prefix;
  useLayoutEffect(() => {
    controller.mounted(telemetry, spanPrefix, true);
    return () => controller.unmounted(undefined);
  }, [controller, telemetry, spanPrefix]);
  return controller;
}
