// A real Prometheus scrapes the /metrics server applyReporterConfig creates, before and after
// the collector's admin API (PATCH /v1/config) moves it to a new port and path and renames its
// metrics with a new prefix, and after serviceName changes (target_info).
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../../scripts/free-port.mjs';
import { createTelemetry } from '../bus/telemetry.js';
import { counter } from '../metrics/definitions.js';
import { createCollector } from '../node/collector/collector.js';
import { serveMetrics } from '../node/prometheus/metrics-server.js';
import {
  type RealPrometheus,
  prometheusSkipReason as skipReason,
  startPrometheus,
} from '../node/prometheus/prometheus.test-kit.js';
import { prometheusReporter } from '../node/prometheus/prometheus-reporter.js';
import { loadConfig } from './config.js';
import { applyReporterConfig } from './reporter-config.js';

describe.skipIf(skipReason !== '')(`a real Prometheus scraping a server that follows the config ${skipReason}`, () => {
  const t = createTelemetry();
  let prometheus: RealPrometheus | undefined;

  afterAll(async () => {
    await prometheus?.stop();
    await t.shutdown();
  });

  // the scrape target, as a file Prometheus watches: written whole, then renamed into place
  let targets = '';
  function target(port: number, path: string) {
    const next = `${targets}.next`;
    writeFileSync(next, JSON.stringify([{ targets: [`127.0.0.1:${port}`], labels: { __metrics_path__: path } }]));
    renameSync(next, targets);
  }

  async function query(promql: string, accept?: (value: number) => boolean): Promise<number> {
    if (prometheus === undefined) throw new Error('Prometheus did not start');
    return prometheus.valueOf(promql, accept);
  }

  it('sees the counts emitted before and after the port, path and prefix change, each once, and the service in target_info', async () => {
    const first = await freePort();
    const config = loadConfig({
      env: { OTEL_SERVICE_NAME: 'shop', OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=test' },
      options: { prometheus: { port: first } },
    });
    applyReporterConfig(config, {
      createPrometheus: (s) =>
        prometheusReporter(t, [counter('order.placed.count', { event: 'order.placed', tags: ['sku'] })], s),
      serveMetrics: (prom, s) => serveMetrics(prom, s),
    });
    for (let i = 0; i < 5; i++) t.emit('order.placed', {}, { sku: 'a' });
    prometheus = await startPrometheus((dir) => {
      targets = join(dir, 'targets.json');
      target(first, '/metrics');
      return [
        'scrape_configs:',
        '  - job_name: isotel',
        '    file_sd_configs:',
        `      - files: ['${targets}']`,
        '        refresh_interval: 1s',
      ];
    });
    expect(await query('order_placed_count_total{sku="a"}')).toBe(5);
    expect(await query('target_info{service_name="shop",deployment_environment="test"}')).toBe(1);

    // the move goes through the collector's admin API
    const second = await freePort();
    const admin = createCollector({ telemetry: t, adminToken: 'admin', config });
    const { url } = await admin.listen(0, '127.0.0.1');
    const moved = await fetch(`${url}/v1/config`, {
      method: 'PATCH',
      headers: { authorization: 'Bearer admin', 'content-type': 'application/json' },
      body: JSON.stringify({
        'prometheus.prefix': 'shop_',
        'prometheus.port': second,
        'prometheus.path': '/internal/metrics',
      }),
    });
    await admin.close();
    expect(moved.status).toBe(200);
    expect(config.source('prometheus.port')).toMatch(/^admin API/);
    for (let i = 0; i < 7; i++) t.emit('order.placed', {}, { sku: 'a' });
    target(second, '/internal/metrics');
    expect(await query(`shop_order_placed_count_total{sku="a",instance="127.0.0.1:${second}"}`)).toBe(7);
    expect(await query(`up{instance="127.0.0.1:${second}"}`)).toBe(1);

    // a new service name: a new reporter (its series start again), the new target_info
    config.set('serviceName', 'shop-eu');
    for (let i = 0; i < 3; i++) t.emit('order.placed', {}, { sku: 'a' });
    const eu = `service_name="shop-eu",deployment_environment="test",instance="127.0.0.1:${second}"`;
    expect(await query(`target_info{${eu}}`)).toBe(1);
    // the earlier series of this name (7) until the new reporter's is scraped
    const after = `shop_order_placed_count_total{sku="a",instance="127.0.0.1:${second}"}`;
    expect(await query(after, (v) => v !== 7)).toBe(3);
  }, 60_000);
});
