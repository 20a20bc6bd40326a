import type { FailurePolicy, Handler, Telemetry } from '@isotel/core';
import { useId, useInsertionEffect, useLayoutEffect, useRef } from 'react';
import { useTelemetry } from '../provider.js';
import { nextHandlerId } from './handler-id.js';

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
 * Attached in a layout effect, so it already listens when the subtree's passive effects run.
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

  useInsertionEffect(() => {
    latest.current = handler;
  });

  useLayoutEffect(() => {
    // useId names the hook instance for people reading the id; it repeats across roots (hydrated
    // roots of the same shape get the same ids) and a StrictMode re-run attaches again right
    // after detaching, so nextHandlerId makes every attach unique, across package copies too.
    const handlerId = nextHandlerId('handler', hookId);
    telemetry.attachMany(
      handlerId,
      key.split('\n'),
      (name, measurements, metadata, config) => latest.current(name, measurements, metadata, config),
      { onFailure },
    );
    return () => {
      telemetry.detach(handlerId);
    };
  }, [telemetry, key, onFailure, hookId]);
}
