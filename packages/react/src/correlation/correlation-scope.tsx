import { getCorrelationId, type Telemetry, uuidv7, withContext } from '@isotel/core';
import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from 'react';

/** The correlation id of the nearest CorrelationScope; internal to this package. */
export const CorrelationContext = createContext<string | undefined>(undefined);

/** Props of {@link CorrelationScope}. */
export interface CorrelationScopeProps {
  /** The scope's correlation id. @default a UUIDv7 made once per mounted scope */
  id?: string;
  children?: ReactNode;
}

/**
 * Gives its subtree one correlation id. Browsers have no async context, so "under the scope"
 * means: what the subtree emits through this package's hooks (`useEmit`, `useTelemetrySpan`,
 * `useMountSpan`, `TelemetryProfiler`) and any function wrapped with the scope's `bind`
 * (see {@link useCorrelationScope}) runs inside `withContext({ correlationId })`, so its events,
 * and the events of the code it calls synchronously, carry that id. A plain `emit` in an
 * `await` continuation that was not bound does not.
 *
 * @example
 * <CorrelationScope id={orderId}><Checkout /></CorrelationScope>
 */
export function CorrelationScope({ id, children }: CorrelationScopeProps): ReactNode {
  // made once per mounted scope, so an `id` that comes and goes falls back to the same value
  const [generated] = useState(uuidv7);
  return <CorrelationContext.Provider value={id ?? generated}>{children}</CorrelationContext.Provider>;
}

/**
 * The correlation id of the nearest {@link CorrelationScope}, else the ambient one in force
 * while rendering (`getCorrelationId()`), else undefined.
 *
 * @example const correlationId = useCorrelationId()
 */
export function useCorrelationId(): string | undefined {
  return useContext(CorrelationContext) ?? getCorrelationId();
}

/** What {@link useCorrelationScope} returns. */
export interface CorrelationScopeHandle {
  /** The scope's correlation id, if inside a {@link CorrelationScope}. */
  readonly correlationId: string | undefined;
  /**
   * Wraps `fn` so each call runs under the scope's correlation id: events it emits, directly or
   * through code it calls synchronously, carry the id. Returns `fn` itself outside a scope.
   */
  readonly bind: <A extends unknown[], R>(fn: (...args: A) => R) => (...args: A) => R;
}

/**
 * The nearest scope's correlation id and a `bind` for event handlers and callbacks.
 *
 * @example
 * const { bind } = useCorrelationScope()
 * <button onClick={bind(() => checkout(cart))}>Pay</button>
 */
export function useCorrelationScope(): CorrelationScopeHandle {
  const correlationId = useContext(CorrelationContext);
  const bind = useCallback(
    <A extends unknown[], R>(fn: (...args: A) => R) => bindToCorrelation(correlationId, fn),
    [correlationId],
  );
  return useMemo(() => ({ correlationId, bind }), [correlationId, bind]);
}

/**
 * `emit` of `telemetry` under `correlationId`. With nobody listening to a name it is the plain
 * emit (which counts invalid names), so a quiet event enters no scope and allocates nothing.
 */
export function scopedEmit(telemetry: Telemetry, correlationId: string): Telemetry['emit'] {
  return (name, measurements, metadata) => {
    if (!telemetry.hasHandlers(name)) return telemetry.emit(name, measurements, metadata);
    withContext({ correlationId }, () => telemetry.emit(name, measurements, metadata));
  };
}

/** `fn` running under `correlationId`, or `fn` itself when there is none. */
export function bindToCorrelation<A extends unknown[], R>(
  correlationId: string | undefined,
  fn: (...args: A) => R,
): (...args: A) => R {
  if (correlationId === undefined) return fn;
  return (...args: A) => withContext({ correlationId }, () => fn(...args));
}
