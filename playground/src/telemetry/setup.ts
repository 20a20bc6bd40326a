// The playground's telemetry wiring: the page's default bus, shipped to the dev collector that
// `npm start` runs next to it. Vite puts VITE_* environment variables on import.meta.env.

import { getDefaultTelemetry } from '@isotel/core';
import { type BrowserExporter, createBrowserExporter } from '@isotel/core/browser';
import { counter, createAggregator, summary } from '@isotel/core/metrics';
import { globalErrorSource, startRuntimePoller } from '@isotel/core/runtime';
import { switchableFetch } from '../network/network-switch.js';

/** The dev collector's URL, or undefined when the app runs without one. */
export const collectorUrl: string | undefined =
  (import.meta.env.VITE_ISOTEL_COLLECTOR_URL as string | undefined) || undefined;

// Under `npm start`, an edit to this module (or to one it imports) runs it again on the same page
// and the same bus, where the first run's exporter and aggregator hold their handler ids: making
// them again would throw `handler_exists`. So each is made once per page and kept in Vite's
// per-module HMR data; a changed option here takes effect on the next reload.
function oncePerPage<T>(key: string, make: () => T): T {
  const data = import.meta.hot?.data as Record<string, T> | undefined;
  if (data === undefined) return make();
  data[key] ??= make();
  return data[key];
}

/** The exporter shipping the page's events to the dev collector (none without a collector). */
export const exporter: BrowserExporter | undefined =
  collectorUrl === undefined
    ? undefined
    : oncePerPage('exporter', () =>
        createBrowserExporter(getDefaultTelemetry(), {
          url: collectorUrl,
          patterns: ['shop.**', 'react.**', 'playground.**', 'runtime.error'],
          flushIntervalMs: 1000,
          fetch: switchableFetch,
          resource: { service: 'isotel-playground' },
        }),
      );

/**
 * Metrics aggregated in the page itself (the devtools' Metrics tab and the "Shop metrics" card
 * read them); the dev collector keeps its own for Prometheus.
 */
export const pageMetrics = oncePerPage('pageMetrics', () =>
  createAggregator(
    getDefaultTelemetry(),
    [
      counter('shop.cart.add.count', { description: 'Products added to the cart.' }),
      summary('shop.checkout.order.stop.duration', {
        tags: ['backend'],
        unit: 'millisecond',
        description: 'Time to place an order.',
        reporterOptions: { quantiles: [0.5, 0.95] },
      }),
      counter('shop.checkout.order.exception.duration', { description: 'Orders that failed.' }),
      summary('react.render.actualDuration', { tags: ['id'], unit: 'millisecond', description: 'React render time.' }),
    ],
    { id: 'playground.metrics' },
  ),
);

/** Errors nobody caught become `runtime.error` events: in the devtools' stream, and shipped. */
export const errorReporter = oncePerPage('errorReporter', () =>
  startRuntimePoller(getDefaultTelemetry(), { sources: [globalErrorSource()], intervalMs: 0 }),
);
