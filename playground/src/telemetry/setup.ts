// Where the playground's telemetry goes: the dev collector `npm start` runs next to it. Vite
// puts VITE_* environment variables on import.meta.env at dev and build time.

/** The dev collector's URL, or undefined when the app runs without one. */
export const collectorUrl: string | undefined =
  (import.meta.env.VITE_ISOTEL_COLLECTOR_URL as string | undefined) || undefined;
