// The playground's dev collector: an in-memory @isotel/core/node collector with CORS for the
// playground's origin, control routes, the live stream, and a Prometheus `/metrics` fed by the
// events the browser ships to it.

import { createTelemetry } from '@isotel/core';
import { counter, distribution } from '@isotel/core/metrics';
import { type CollectorServer, createCollector } from '@isotel/core/node';
import { prometheusReporter } from '@isotel/core/prometheus';
import { playgroundCatalog } from '../src/telemetry/catalog.js';

/**
 * Metrics the collector keeps from the playground's events (tags come from event metadata).
 * Orders placed are the histogram's `_count`.
 */
export const PLAYGROUND_METRICS = [
  counter('shop.cart.add.count', { tags: ['sku'], description: 'Products added to the cart.' }),
  counter('shop.cart.remove.count', { description: 'Cart lines removed.' }),
  counter('shop.checkout.order.exception.duration', { tags: ['backend'], description: 'Orders that failed.' }),
  distribution('shop.checkout.order.stop.duration', {
    unit: { from: 'millisecond', to: 'second' },
    tags: ['backend'],
    description: 'How long placing an order took.',
    reporterOptions: { buckets: [0.1, 0.25, 0.5, 1, 2, 5] },
  }),
];

/** Options of {@link startDevCollector}. */
export interface DevCollectorOptions {
  /** Port to listen on; 0 picks a free one. */
  readonly port: number;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** Browser origins allowed to call it (the playground's). */
  readonly corsOrigins: readonly string[];
}

/** A running dev collector. */
export interface DevCollector {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Starts the dev collector. Rejects with the listen error (e.g. `EADDRINUSE`) when the port is taken.
 *
 * @example const collector = await startDevCollector({ port: 4318, corsOrigins: ['http://127.0.0.1:5173'] })
 */
export async function startDevCollector(options: DevCollectorOptions): Promise<DevCollector> {
  const telemetry = createTelemetry();
  const prometheus = prometheusReporter(telemetry, PLAYGROUND_METRICS);
  const collector = createCollector({
    telemetry,
    corsOrigins: options.corsOrigins,
    // strict: events the playground's catalog does not describe are refused and counted
    catalog: playgroundCatalog,
    metrics: (request) => prometheus.handler(request),
    // what the devtools' Exporters tab shows when the panel is switched to this collector
    exporters: { prometheus },
    node: 'playground-dev',
  });
  let server: CollectorServer;
  try {
    server = await collector.listen(options.port, options.host ?? '127.0.0.1');
  } catch (error) {
    prometheus.close();
    await collector.close();
    throw error;
  }
  return {
    url: server.url,
    port: server.port,
    async close() {
      await server.close();
      await collector.close();
      await telemetry.shutdown();
    },
  };
}
