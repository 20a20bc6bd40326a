import type { Telemetry } from '@isotel/core';
import { useContext, useMemo } from 'react';
import { CorrelationContext, scopedEmit } from '../correlation/correlation-scope.js';
import { useTelemetry } from '../provider.js';

/**
 * A stable `emit` of the provider's instance (or of `telemetry` when given): the same function
 * across renders, safe in dependency arrays and event handlers. Inside a `CorrelationScope` its
 * events carry the scope's correlation id.
 *
 * The returned function has the instance's own `emit` type, so a catalog-typed instance gives a
 * catalog-typed `emit`: pass the instance (`useEmit(t)`) to have it inferred, or name its type
 * (`useEmit<typeof t>()`) to use the provider's instance as that type.
 *
 * @example
 * const emit = useEmit()
 * <button onClick={() => emit('cart.add', { count: 1 }, { sku })}>Add</button>
 */
export function useEmit<T extends Telemetry = Telemetry>(telemetry?: T): T['emit'] {
  const fromContext = useTelemetry<T>();
  const t = telemetry ?? fromContext;
  const correlationId = useContext(CorrelationContext);
  return useMemo(
    () => (correlationId === undefined ? t.emit.bind(t) : scopedEmit(t, correlationId)) as T['emit'],
    [t, correlationId],
  );
}
