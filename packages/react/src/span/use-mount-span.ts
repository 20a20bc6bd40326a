import type { Metadata, Telemetry } from '@isotel/core';
import { useLayoutEffect } from 'react';
import {
  type MountSpanHandle,
  type SpanParamsFor,
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
 * again) is still mounted: the span runs on through the hide. (A component mounted hidden starts
 * its span when first shown.)
 *
 * @example
 * function CheckoutPage() {
 *   const visit = useMountSpan('checkout.page', { step: 'cart' })
 *   return <button onClick={() => visit.end({ outcome: 'paid' })}>Pay</button>
 * }
 */
export function useMountSpan<T extends Telemetry = Telemetry, P extends SpanPrefixFor<T> = SpanPrefixFor<T>>(
  ...params: SpanParamsFor<T, P>
): MountSpanHandle;
export function useMountSpan(prefix: string, metadata?: Metadata, options: UseSpanOptions = {}): MountSpanHandle {
  const { controller, telemetry } = useSpanController(prefix, metadata, options.telemetry);
  useLayoutEffect(() => controller.shown(telemetry, prefix, true), [controller, telemetry, prefix]);
  return controller;
}
