import { getDefaultTelemetry, type Telemetry } from '@isotel/core';
import { createContext, type ReactNode, useContext } from 'react';

const TelemetryContext = createContext<Telemetry | null>(null);

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
  return <TelemetryContext.Provider value={telemetry ?? getDefaultTelemetry()}>{children}</TelemetryContext.Provider>;
}

/** The instance of the nearest {@link TelemetryProvider}, or the default instance without one. */
export function useTelemetry(): Telemetry {
  return useContext(TelemetryContext) ?? getDefaultTelemetry();
}
