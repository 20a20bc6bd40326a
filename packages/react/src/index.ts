// @isotel/react: provider and hooks over @isotel/core's public API.
export { TelemetryProvider, type TelemetryProviderProps, useTelemetry } from './provider.js';
