import type { Telemetry } from '@isotel/core';
import { useMemo } from 'react';
import { useTelemetry } from '../provider.js';

/**
 * A stable `emit` of the provider's instance (or of `telemetry` when given): the same function
 * across renders, safe in dependency arrays and event handlers.
 *
 * @example
 * const emit = useEmit()
 * <button onClick={() => emit('cart.add', { count: 1 }, { sku })}>Add</button>
 */
export function useEmit<T extends Telemetry = Telemetry>(telemetry?: T): T['emit'] {
  const fromContext = useTelemetry<T>();
  const t = telemetry ?? fromContext;
  return useMemo(() => t.emit.bind(t) as T['emit'], [t]);
}
