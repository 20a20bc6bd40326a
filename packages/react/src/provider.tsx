import { getDefaultTelemetry, type Telemetry } from '@isotel/core';
import { createContext, type ReactNode, useContext } from 'react';

/** The context the provider fills; internal to this package. */
export const TelemetryInstanceContext = createContext<Telemetry | null>(null);

/** Props of {@link TelemetryProvider}. */
export interface TelemetryProviderProps {
  /** The instance the subtree's hooks use. @default the default instance (getDefaultTelemetry()) */
  telemetry?: Telemetry;
  children?: ReactNode;
}

/**
 * Makes a telemetry instance available to the hooks below it.
 *
 * @example
 * <TelemetryProvider telemetry={createTelemetry()}><App /></TelemetryProvider>
 */
export function TelemetryProvider({ telemetry, children }: TelemetryProviderProps): ReactNode {
  return (
    <TelemetryInstanceContext.Provider value={telemetry ?? getDefaultTelemetry()}>
      {children}
    </TelemetryInstanceContext.Provider>
  );
}

/**
 * The instance of the nearest {@link TelemetryProvider}, or the default instance without one.
 *
 * React context carries no static type, so the type argument is a declaration, not a check:
 * `useTelemetry<typeof t>()` states which instance type the provider holds. To have types
 * inferred instead, pass the instance to the hooks that accept one (`useEmit(t)`).
 *
 * @example
 * const t = useTelemetry()
 * useEffect(() => t.emit('page.view', { count: 1 }, { path }), [t, path])
 */
export function useTelemetry<T extends Telemetry = Telemetry>(): T {
  return (useContext(TelemetryInstanceContext) ?? getDefaultTelemetry()) as T;
}
