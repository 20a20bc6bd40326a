// The playground's telemetry wiring: the page's default bus, shipped to the dev collector that
// `npm start` runs next to it. Vite puts VITE_* environment variables on import.meta.env.
import { getDefaultTelemetry } from '@isotel/core';
import { type BrowserExporter, createBrowserExporter } from '@isotel/core/browser';
import { switchableFetch } from '../network/network-switch.js';

/** The dev collector's URL, or undefined when the app runs without one. */
export const collectorUrl: string | undefined =
  (import.meta.env.VITE_ISOTEL_COLLECTOR_URL as string | undefined) || undefined;

/** The exporter shipping the page's events to the dev collector (none without a collector). */
export const exporter: BrowserExporter | undefined =
  collectorUrl === undefined
    ? undefined
    : createBrowserExporter(getDefaultTelemetry(), {
        url: collectorUrl,
        patterns: ['shop.**', 'react.**', 'playground.**'],
        flushIntervalMs: 1000,
        fetch: switchableFetch,
        resource: { service: 'isotel-playground' },
      });
