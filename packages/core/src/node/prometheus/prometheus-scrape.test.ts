// A real Prometheus scrapes the reporter's /metrics; PromQL sees what the test emitted.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../../../scripts/free-port.mjs';
import { createTelemetry } from '../../bus/telemetry.js';
import { counter, distribution } from '../../metrics/definitions.js';
import { type MetricsServer, serveMetrics } from './metrics-server.js';
import { prometheusReporter } from './prometheus-reporter.js';

const PROMETHEUS = process.env.PROMETHEUS_PATH ?? '/usr/bin/prometheus';
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const available = existsSync(PROMETHEUS);
// `npm test` installs prometheus when it runs as root; without root a missing binary is a skip
const skipReason = !available && !isRoot ? `${PROMETHEUS} is missing (apt-get install prometheus needs root)` : '';

describe.skipIf(skipReason !== '')(`a real Prometheus scraping /metrics ${skipReason}`, () => {
  const t = createTelemetry();
  const dir = mkdtempSync(join(tmpdir(), 'isotel-prom-'));
  let prometheus: ChildProcess | undefined;
  let server: MetricsServer;
  let apiPort = 0;
  let ticker: ReturnType<typeof setInterval> | undefined;

  beforeAll(async () => {
    const prom = prometheusReporter(t, [
      counter('checkout.payment.stop.count', { event: 'checkout.payment.stop', tags: ['method'] }),
      distribution('checkout.payment.duration', {
        event: 'checkout.payment.stop',
        measurement: 'duration',
        unit: { from: 'millisecond', to: 'second' },
        reporterOptions: { buckets: [0.1, 0.2, 0.5, 1] },
      }),
      distribution('steady.op.duration', { reporterOptions: { buckets: [1] } }),
    ]);
    // 100 payments before the first scrape: 50 take 50 ms, 50 take 300 ms
    for (let i = 0; i < 100; i++) t.emit('checkout.payment.stop', { duration: i < 50 ? 50 : 300 }, { method: 'card' });
    // a steady 100 events per second for rate(): each tick emits what the clock says is due
    // since the start, so a tick that a busy machine delays is caught up at the next one
    const start = performance.now();
    let emitted = 0;
    ticker = setInterval(() => {
      const due = Math.floor((performance.now() - start) / 10);
      for (; emitted < due; emitted++) t.emit('steady.op', { duration: 0.5 });
    }, 100);
    server = await serveMetrics(prom, { port: 0 });
    apiPort = await freePort();
    const config = join(dir, 'prometheus.yml');
    writeFileSync(
      config,
      [
        'global:',
        '  scrape_interval: 1s',
        'scrape_configs:',
        '  - job_name: isotel',
        '    metrics_path: /metrics',
        '    static_configs:',
        `      - targets: ['127.0.0.1:${server.port}']`,
        '',
      ].join('\n'),
    );
    expect(spawnSync(PROMETHEUS.replace(/prometheus$/, 'promtool'), ['check', 'config', config]).status).toBe(0);
    prometheus = spawn(
      PROMETHEUS,
      [
        `--config.file=${config}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${apiPort}`,
      ],
      { stdio: 'ignore' },
    );
  }, 20_000);

  afterAll(async () => {
    if (ticker !== undefined) clearInterval(ticker);
    if (prometheus?.pid !== undefined && prometheus.exitCode === null) {
      const exited = new Promise((resolve) => prometheus?.once('exit', resolve));
      process.kill(prometheus.pid, 'SIGTERM');
      await exited;
    }
    await server?.close();
    await t.shutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  async function query(promql: string, accept: (value: number) => boolean): Promise<number> {
    const deadline = Date.now() + 25_000;
    let last: unknown;
    while (Date.now() < deadline) {
      try {
        const url = `http://127.0.0.1:${apiPort}/api/v1/query?query=${encodeURIComponent(promql)}`;
        const body = (await (await fetch(url)).json()) as { data?: { result?: { value: [number, string] }[] } };
        last = body;
        const sample = body.data?.result?.[0];
        if (sample !== undefined) {
          const value = Number(sample.value[1]);
          if (accept(value)) return value;
          last = value;
        }
      } catch (error) {
        last = error; // not up yet
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    throw new Error(`${promql} never gave an accepted value; last answer: ${JSON.stringify(last)}`);
  }

  it('histogram_quantile and the counter return the values the test emitted', async () => {
    const total = await query('checkout_payment_stop_count_total{method="card"}', () => true);
    expect(total).toBe(100);
    // 90th percentile by linear interpolation in the (0.2, 0.5] bucket: 0.2 + 0.3 * 40 / 50
    const p90 = await query('histogram_quantile(0.9, checkout_payment_duration_seconds_bucket)', () => true);
    expect(p90).toBeCloseTo(0.44, 6);
    const p25 = await query('histogram_quantile(0.25, checkout_payment_duration_seconds_bucket)', () => true);
    expect(p25).toBeCloseTo(0.05, 6);
  }, 40_000);

  it('rate() of a steady emitter is its emit rate', async () => {
    // once the 5 s window holds five scrapes, so rate() is not an extrapolation from two points
    await query('count_over_time(steady_op_duration_count[5s])', (n) => n >= 5);
    const rate = await query('rate(steady_op_duration_count[5s])', () => true);
    expect(rate).toBeGreaterThan(70);
    expect(rate).toBeLessThan(130);
  }, 40_000);
});
