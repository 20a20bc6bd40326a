// Settings a reporter takes only when created (Prometheus prefix, host and path; StatsD prefix and
// sample rate; the series cap) follow config.set by re-creating the reporter or server.
import { createSocket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../../../scripts/free-port.mjs';
import { createTelemetry, type Telemetry } from '../bus/telemetry.js';
import { type Logger, logger, setLogger } from '../log/logger.js';
import { counter } from '../metrics/definitions.js';
import { serveMetrics } from '../node/prometheus/metrics-server.js';
import { type PrometheusReporter, prometheusReporter } from '../node/prometheus/prometheus-reporter.js';
import { type StatsdReporter, statsdReporter } from '../node/statsd/statsd-reporter.js';
import { loadConfig } from './config.js';
import { until } from './config.test-kit.js';
import { applyReporterConfig } from './reporter-config.js';

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});
function telemetry(): Telemetry {
  const t = createTelemetry();
  cleanup.push(() => t.shutdown());
  return t;
}

const scrape = (url: string) =>
  until(async () => {
    const response = await fetch(url);
    return response.ok ? response.text() : undefined;
  });

async function udpAgent() {
  const socket = createSocket('udp4');
  const lines: string[] = [];
  socket.on('message', (m) => lines.push(...m.toString().split('\n')));
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
  cleanup.push(() => new Promise<void>((r) => socket.close(() => r())));
  return { port: socket.address().port, lines };
}

const ORDERS = [counter('order.placed.count', { event: 'order.placed', tags: ['sku'] })];

describe('reporters re-created from the configuration', () => {
  it('serves Prometheus with the prefix, host, path and series cap in force, counting each event once', async () => {
    const t = telemetry();
    const port = await freePort();
    const config = loadConfig({ env: {}, options: { prometheus: { port } } });
    const created: PrometheusReporter[] = [];
    applyReporterConfig(config, {
      createPrometheus: (s) => {
        const prom = prometheusReporter(t, ORDERS, s);
        created.push(prom);
        return prom;
      },
      serveMetrics: (prom, s) => serveMetrics(prom, s),
    });
    t.emit('order.placed', {}, { sku: 'a' });
    expect(await scrape(`http://127.0.0.1:${port}/metrics`)).toContain('order_placed_count_total{sku="a"} 1');

    config.set('prometheus.prefix', 'shop_');
    t.emit('order.placed', {}, { sku: 'a' });
    t.emit('order.placed', {}, { sku: 'b' });
    const text = await scrape(`http://127.0.0.1:${port}/metrics`);
    expect(text).toContain('shop_order_placed_count_total{sku="a"} 1');
    expect(text).toContain('shop_order_placed_count_total{sku="b"} 1');
    expect(text).not.toContain('\norder_placed_count_total');

    config.set('prometheus.path', '/internal/metrics');
    config.set('prometheus.host', '127.0.0.2');
    const moved = await scrape(`http://127.0.0.2:${port}/internal/metrics`);
    expect(moved).toContain('shop_order_placed_count_total{sku="b"} 1');
    expect((await fetch(`http://127.0.0.2:${port}/metrics`)).status).toBe(404);
    await expect(fetch(`http://127.0.0.1:${port}/internal/metrics`)).rejects.toThrow();

    config.set('metrics.maxSeries', 1);
    for (const sku of ['c', 'd', 'e']) t.emit('order.placed', {}, { sku });
    const capped = await scrape(`http://127.0.0.2:${port}/internal/metrics`);
    expect(capped.match(/^shop_order_placed_count_total\{/gm)).toHaveLength(2); // one series and the overflow
    expect(created).toHaveLength(3);
    // the reporters before counted 1 + 2 events; the one in force 3, two of them in the overflow
    expect(created.map((p) => p.stats().recorded)).toEqual([1, 2, 3]);
    expect(Object.values(created[2]?.stats().overflowed ?? {})).toEqual([2]);
  });

  it('keeps counting with the previous settings when the factory refuses new ones', async () => {
    const t = telemetry();
    const errors: string[] = [];
    const previous: Logger = logger();
    setLogger({ warn() {}, error: (message) => errors.push(message) });
    cleanup.push(() => setLogger(previous));
    const config = loadConfig({ env: {} });
    let current: PrometheusReporter | undefined;
    applyReporterConfig(config, {
      createPrometheus: (s) => {
        if (s.prefix === 'bad_') throw new Error('refused');
        current = prometheusReporter(t, ORDERS, s);
        return current;
      },
    });
    t.emit('order.placed', {}, { sku: 'a' });
    config.set('prometheus.prefix', 'ok_');
    t.emit('order.placed', {}, { sku: 'a' });
    config.set('prometheus.prefix', 'bad_');
    t.emit('order.placed', {}, { sku: 'a' });
    expect(errors).toEqual(['Applying the Prometheus settings (the previous ones stay in force) failed.']);
    expect(await current?.metrics()).toContain('ok_order_placed_count_total{sku="a"} 1');
    config.set('prometheus.enabled', false);
    t.emit('order.placed', {}, { sku: 'a' });
    expect(await current?.metrics()).toContain('ok_order_placed_count_total{sku="a"} 1');
  });

  it('sends StatsD lines with the prefix and sample rate in force, each event once', async () => {
    const t = telemetry();
    const agent = await udpAgent();
    const config = loadConfig({ env: {}, options: { statsd: { enabled: true, port: agent.port } } });
    let current: StatsdReporter | undefined;
    applyReporterConfig(config, {
      createStatsd: (s) => {
        current = statsdReporter(t, ORDERS, { ...s, bufferFlushInterval: 60_000 });
        return current;
      },
    });
    for (let i = 0; i < 3; i++) t.emit('order.placed', {}, { sku: `a${i}` });
    config.set('statsd.prefix', 'shop.');
    for (let i = 0; i < 4; i++) t.emit('order.placed', {}, { sku: `b${i}` });
    config.set('statsd.sampleRate', 0.5);
    for (let i = 0; i < 200; i++) t.emit('order.placed', {}, { sku: 'c' });
    await current?.flush();
    await until(async () => (agent.lines.some((l) => l.includes('|@0.5')) ? true : undefined));
    expect(agent.lines.slice(0, 7)).toEqual([
      ...[0, 1, 2].map((i) => `order.placed.count:1|c|#sku:a${i}`),
      ...[0, 1, 2, 3].map((i) => `shop.order.placed.count:1|c|#sku:b${i}`),
    ]);
    const sampled = agent.lines.slice(7);
    for (const line of sampled) expect(line).toBe('shop.order.placed.count:1|c|@0.5|#sku:c');
    // 200 events at a rate of 0.5: far from 0 and from 200
    expect(sampled.length).toBeGreaterThan(50);
    expect(sampled.length).toBeLessThan(150);
  });

  it('tags StatsD lines with the service, environment and version, re-tagged live, each event once', async () => {
    const t = telemetry();
    const agent = await udpAgent();
    const config = loadConfig({
      env: { OTEL_RESOURCE_ATTRIBUTES: 'service.name=shop,deployment.environment=prod,service.version=1.4.2' },
      options: { statsd: { enabled: true, port: agent.port } },
    });
    let current: StatsdReporter | undefined;
    applyReporterConfig(config, {
      createStatsd: (s) => {
        current = statsdReporter(t, ORDERS, { ...s, bufferFlushInterval: 60_000 });
        return current;
      },
    });
    for (let i = 0; i < 2; i++) t.emit('order.placed', {}, { sku: `a${i}` });
    config.set('serviceName', 'shop-eu');
    for (let i = 0; i < 2; i++) t.emit('order.placed', {}, { sku: `b${i}` });
    config.set('resourceAttributes', { 'deployment.environment': 'staging' });
    t.emit('order.placed', {}, { sku: 'c' });
    await current?.flush();
    await until(async () => (agent.lines.length >= 5 ? true : undefined));
    expect(agent.lines).toEqual([
      'order.placed.count:1|c|#service:shop,env:prod,version:1.4.2,sku:a0',
      'order.placed.count:1|c|#service:shop,env:prod,version:1.4.2,sku:a1',
      'order.placed.count:1|c|#service:shop-eu,env:prod,version:1.4.2,sku:b0',
      'order.placed.count:1|c|#service:shop-eu,env:prod,version:1.4.2,sku:b1',
      'order.placed.count:1|c|#service:shop-eu,env:staging,sku:c',
    ]);
  });
});
