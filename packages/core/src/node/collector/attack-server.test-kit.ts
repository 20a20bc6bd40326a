// The collector as the docs set it up for production, in a process of its own so an attack can
// be measured by its RSS: random tokens (from the environment), a CORS allow-list, a strict
// catalog, `/metrics` from isotelMetrics(), default limits. Run with `node --import tsx`; it
// prints `{"port":N}` once listening and closes on SIGTERM.
import { createTelemetry } from '../../bus/telemetry.js';
import { defineCatalog } from '../../catalog/define-catalog.js';
import { spanEvents } from '../../catalog/span-events.js';
import { isotelMetrics } from '../../metrics/own-metrics.js';
import { performanceSummary } from '../../monitors/performance-summary.js';
import { prometheusReporter } from '../prometheus/prometheus-reporter.js';
import { createCollector } from './collector.js';

const catalog = defineCatalog({
  ...spanEvents('checkout.payment', { description: 'Charging the card', metadata: { orderId: 'string' } }),
  'cart.item.added': {
    description: 'A product was added to the cart.',
    measurements: { count: 'number' },
    metadata: { sku: 'string' },
  },
});

const t = createTelemetry();
performanceSummary(t, { windowMs: 5000 });
const prom = prometheusReporter(t, isotelMetrics());
const collector = createCollector({
  telemetry: t,
  ingestToken: process.env.ISOTEL_INGEST_TOKEN ?? 'ingest',
  adminToken: process.env.ISOTEL_ADMIN_TOKEN ?? 'admin',
  corsOrigins: ['https://app.example'],
  catalog,
  metrics: prom.handler,
  node: 'attacked',
});
const { port } = await collector.listen(0, '127.0.0.1');
process.stdout.write(`${JSON.stringify({ port })}\n`);
process.once('SIGTERM', () => {
  void t.shutdown().then(() => process.exit(0));
});
