import type { FailurePolicy, Handler, Telemetry } from '@isotel/core';
import { useId, useInsertionEffect, useMemo, useRef } from 'react';
import { useTelemetry } from '../provider.js';
import { useHold } from '../use-hold.js';
import { HeldHandler } from './held-handler.js';

/** Options of {@link useTelemetryHandler}. */
export interface UseTelemetryHandlerOptions {
  /** What the bus does when the handler throws. @default 'detach' (like `attach`) */
  onFailure?: FailurePolicy;
  /** The instance to attach to. @default the provider's instance */
  telemetry?: Telemetry;
}

/**
 * Attaches `handler` to `pattern` (or several patterns) while the component is mounted, and
 * detaches it on unmount. Every call reaches the latest `handler` passed in, so an inline arrow
 * is fine: re-renders never re-attach. Changing the pattern, the policy or the instance does.
 *
 * Attached from the commit that mounts the component, before any layout or passive effect of
 * it runs, so it hears what siblings and children emit while they mount. A hidden component
 * (`<Activity mode="hidden">`, a Suspense fallback) is still mounted: its handler stays attached.
 *
 * @example
 * useTelemetryHandler('checkout.payment.*', (name, m) => setLast(`${name} ${m.duration}`))
 */
export function useTelemetryHandler(
  pattern: string | readonly string[],
  handler: Handler,
  options: UseTelemetryHandlerOptions = {},
): void {
  const fromContext = useTelemetry();
  const telemetry = options.telemetry ?? fromContext;
  const onFailure = options.onFailure ?? 'detach';
  const hookId = useId();
  const latest = useRef(handler);
  // The patterns as one dependency: an inline array literal must not re-attach on every render.
  const key = typeof pattern === 'string' ? pattern : pattern.join('\n');

  // Handed over at commit (a render React throws away changes nothing), before the hold below,
  // so an event emitted later in the same commit reaches this render's handler.
  useInsertionEffect(() => {
    latest.current = handler;
  });

  // useId names the hook instance for people reading the id; it repeats across roots (hydrated
  // roots of the same shape get the same ids), so each attach also takes a fresh number.
  const held = useMemo(
    () =>
      new HeldHandler(
        telemetry,
        key.split('\n'),
        (name, measurements, metadata, config) => latest.current(name, measurements, metadata, config),
        onFailure,
        ['handler', hookId],
      ),
    [telemetry, key, onFailure, hookId],
  );
  useHold(held);
}
