// A real Prometheus scrapes the /metrics server applyReporterConfig creates, before and after
// config.set moves it to a new port and path and renames its metrics with a new prefix.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../../scripts/free-port.mjs';
import { createTelemetry } from '../bus/telemetry.js';
import { counter } from '../metrics/definitions.js';
import { serveMetrics } from '../node/prometheus/metrics-server.js';
import { prometheusReporter } from '../node/prometheus/prometheus-reporter.js';
import { loadConfig } from './config.js';
import { applyReporterConfig } from './reporter-config.js';

const PROMETHEUS = process.env.PROMETHEUS_PATH ?? '/usr/bin/prometheus';
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const available = existsSync(PROMETHEUS);
// `npm test` installs prometheus when it runs as root; without root a missing binary is a skip
const skipReason = !available && !isRoot ? `${PROMETHEUS} is missing (apt-get install prometheus needs root)` : '';

describe.skipIf(skipReason !== '')(`a real Prometheus scraping a server that follows the config ${skipReason}`, () => {
  const t = createTelemetry();
  const dir = mkdtempSync(join(tmpdir(), 'isotel-prom-config-'));
  let prometheus: ChildProcess | undefined;
  let apiPort = 0;

  afterAll(async () => {
    if (prometheus?.pid !== undefined && prometheus.exitCode === null) {
      const exited = new Promise((resolve) => prometheus?.once('exit', resolve));
      process.kill(prometheus.pid, 'SIGTERM');
      await exited;
    }
    await t.shutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  // the scrape target, as a file Prometheus watches: written whole, then renamed into place
  const targets = join(dir, 'targets.json');
  function target(port: number, path: string) {
    const next = `${targets}.next`;
    writeFileSync(next, JSON.stringify([{ targets: [`127.0.0.1:${port}`], labels: { __metrics_path__: path } }]));
    renameSync(next, targets);
  }

  async function query(promql: string): Promise<number> {
    const deadline = Date.now() + 25_000;
    let last: unknown;
    while (Date.now() < deadline) {
      try {
        const url = `http://127.0.0.1:${apiPort}/api/v1/query?query=${encodeURIComponent(promql)}`;
        const body = (await (await fetch(url)).json()) as { data?: { result?: { value: [number, string] }[] } };
        last = body;
        const sample = body.data?.result?.[0];
        if (sample !== undefined) return Number(sample.value[1]);
      } catch (error) {
        last = error; // not up yet
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    throw new Error(`${promql} never answered; last answer: ${JSON.stringify(last)}`);
  }

  it('sees the counts emitted before and after the port, path and prefix change, each once', async () => {
    const first = await freePort();
    const config = loadConfig({ env: {}, options: { prometheus: { port: first } } });
    applyReporterConfig(config, {
      createPrometheus: (s) =>
        prometheusReporter(t, [counter('order.placed.count', { event: 'order.placed', tags: ['sku'] })], s),
      serveMetrics: (prom, s) => serveMetrics(prom, s),
    });
    for (let i = 0; i < 5; i++) t.emit('order.placed', {}, { sku: 'a' });
    target(first, '/metrics');
    apiPort = await freePort();
    const file = join(dir, 'prometheus.yml');
    writeFileSync(
      file,
      [
        'global:',
        '  scrape_interval: 1s',
        'scrape_configs:',
        '  - job_name: isotel',
        '    file_sd_configs:',
        `      - files: ['${targets}']`,
        '        refresh_interval: 1s',
        '',
      ].join('\n'),
    );
    expect(spawnSync(PROMETHEUS.replace(/prometheus$/, 'promtool'), ['check', 'config', file]).status).toBe(0);
    prometheus = spawn(
      PROMETHEUS,
      [
        `--config.file=${file}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${apiPort}`,
      ],
      { stdio: 'ignore' },
    );
    expect(await query('order_placed_count_total{sku="a"}')).toBe(5);

    const second = await freePort();
    config.set('prometheus.prefix', 'shop_');
    config.set('prometheus.port', second);
    config.set('prometheus.path', '/internal/metrics');
    for (let i = 0; i < 7; i++) t.emit('order.placed', {}, { sku: 'a' });
    target(second, '/internal/metrics');
    expect(await query(`shop_order_placed_count_total{sku="a",instance="127.0.0.1:${second}"}`)).toBe(7);
    expect(await query(`up{instance="127.0.0.1:${second}"}`)).toBe(1);
  }, 60_000);
});
