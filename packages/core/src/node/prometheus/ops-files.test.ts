// docs/ops: the alert rules are valid and fire as their unit tests say, every metric the rules
// and the Grafana dashboard query is one the Prometheus reporter exposes for isotelMetrics(), and
// against a real Prometheus scraping a collector that sees the matching traffic, every panel
// query returns samples and every alert becomes active.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTelemetry } from '../../bus/telemetry.js';
import { uuidv7 } from '../../id/uuidv7.js';
import { isotelMetrics } from '../../metrics/own-metrics.js';
import { performanceSummary } from '../../monitors/performance-summary.js';
import { type Collector, createCollector } from '../collector/collector.js';
import {
  lintExposition,
  type PromSample,
  prometheusSkipReason,
  type RealPrometheus,
  promtool as runPromtool,
  startPrometheus,
} from './prometheus.test-kit.js';
import { prometheusReporter } from './prometheus-reporter.js';

const ops = fileURLToPath(new URL('../../../../../docs/ops/', import.meta.url));
const skipReason = prometheusSkipReason;

function promtool(...args: string[]) {
  const result = runPromtool(args, ops);
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

function queriedMetrics(text: string): Set<string> {
  const names = text.match(/\b(?:isotel|telemetry)_[a-zA-Z0-9_]+/g) ?? [];
  return new Set(names.map((n) => n.replace(/_(bucket|sum|count)$/, '')));
}

describe('operations files', () => {
  it.skipIf(skipReason !== '')(`promtool check rules accepts alerts.yml ${skipReason}`, () => {
    const result = promtool('check', 'rules', 'alerts.yml');
    expect(result.output).toContain('SUCCESS: 8 rules found');
    expect(result.status).toBe(0);
  });

  it.skipIf(skipReason !== '')(`the alerts fire on the series their unit tests give ${skipReason}`, () => {
    const result = promtool('test', 'rules', 'alerts.test.yml');
    expect(result.output).toContain('SUCCESS');
    expect(result.status).toBe(0);
  });

  it.skipIf(skipReason !== '')(
    `promtool check metrics finds nothing to lint in isotel's own metrics ${skipReason}`,
    async () => {
      const t = createTelemetry();
      const prom = prometheusReporter(t, isotelMetrics());
      const summary = performanceSummary(t, { windowMs: 1000, now: () => 0, intervalMs: 0 });
      t.emit('checkout.stop', { duration: 5, monotonicTime: 0 });
      t.emit('checkout.exception', { duration: 5, monotonicTime: 0 }, { kind: 'error', error: new Error('x') });
      t.attach('broken', 'app.tick', () => {
        throw new Error('x');
      });
      t.emit('app.tick', {});
      t.emit('isotel.exporter.flush', { events: 1, duration: 5 }, { outcome: 'retry', remote: true });
      t.emit('isotel.collector.refused', { count: 1 }, { reason: 'forbidden' });
      t.emit('isotel.collector.ingest', { accepted: 1, rejected: 1 }, {});
      t.emit('isotel.collector.stream.dropped', { count: 1 }, {});
      summary.flush();
      const exposition = await prom.metrics();
      expect(exposition).toContain('telemetry_handler_failures_total{handler_id="broken"} 1');
      expect(lintExposition(exposition)).toBe('');
      await t.shutdown();
    },
  );

  it('queries only metrics the reporter exposes for isotelMetrics()', () => {
    const exposed = new Set(prometheusReporter(createTelemetry(), isotelMetrics()).names);
    const dashboard = readFileSync(`${ops}grafana-dashboard.json`, 'utf8');
    const rules = readFileSync(`${ops}alerts.yml`, 'utf8');
    const used = new Set([...queriedMetrics(dashboard), ...queriedMetrics(rules)]);
    expect(used.size).toBeGreaterThanOrEqual(10);
    expect([...used].filter((name) => !exposed.has(name))).toEqual([]);
    const panels = (JSON.parse(dashboard) as { panels: { title: string }[] }).panels.map((p) => p.title);
    expect(panels).toEqual(
      expect.arrayContaining([
        'Latency p50 / p95 / p99 by operation',
        'Error rate by operation',
        'Handler failures',
        'Dropped events per second',
      ]),
    );
  });
});

// The expressions of the rules (one line, or a `|` block) and of the dashboard's panels, with
// Grafana's variables given the values a dashboard has by default.
function alertNames(rules: string): string[] {
  return [...rules.matchAll(/^\s*- alert: (\S+)$/gm)].map((m) => m[1] as string);
}

function panelQueries(dashboard: string): { title: string; expr: string }[] {
  const panels = (JSON.parse(dashboard) as { panels: { title: string; targets?: { expr: string }[] }[] }).panels;
  return panels.flatMap((panel) =>
    (panel.targets ?? []).map((target) => ({
      title: panel.title,
      expr: target.expr.replaceAll('$operation', '.*').replaceAll('$__rate_interval', '1m'),
    })),
  );
}

describe.skipIf(skipReason !== '')(`the ops files against a real Prometheus scraping a collector ${skipReason}`, () => {
  const t = createTelemetry();
  const ingestToken = randomBytes(12).toString('hex');
  const adminToken = randomBytes(12).toString('hex');
  let collector: Collector;
  let prometheus: RealPrometheus | undefined;
  let ticker: ReturnType<typeof setInterval> | undefined;
  const pending = new Set<Promise<unknown>>();

  // what the server sees each second: its own spans (2 s, one in eleven failing), a failing
  // handler of its own, clients' slow flushes and an invalid event, requests without a token,
  // and an admin stream too slow for what the bus emits
  async function traffic(url: string): Promise<void> {
    for (let i = 0; i < 10; i++) t.emit('checkout.stop', { duration: 2000, monotonicTime: 0 });
    t.emit('checkout.exception', { duration: 2000, monotonicTime: 0 }, { kind: 'error', error: new Error('declined') });
    t.emit('app.tick', {});
    const events = [
      {
        id: uuidv7(),
        name: 'isotel.exporter.flush',
        time: Date.now(),
        measurements: { events: 5, duration: 5000 },
        metadata: { outcome: 'acknowledged' },
      },
      { id: uuidv7(), name: 'isotel.collector.ingest', time: Date.now(), measurements: { accepted: 1 } },
    ];
    const headers = { authorization: `Bearer ${ingestToken}`, 'content-type': 'application/json' };
    await fetch(`${url}/v1/events`, { method: 'POST', headers, body: JSON.stringify({ clientId: 'ops', events }) });
    await Promise.all(
      Array.from({ length: 40 }, () => fetch(`${url}/v1/events`, { method: 'POST', body: '{}' }).then((r) => r.text())),
    );
    const stream = await fetch(`${url}/v1/stream?pattern=**`, { headers: { authorization: `Bearer ${adminToken}` } });
    for (let i = 0; i < 5; i++) t.emit('app.noise', {}); // synchronously: more than the stream may buffer
    await stream.body?.cancel();
  }

  beforeAll(async () => {
    performanceSummary(t, { windowMs: 1000 });
    const prom = prometheusReporter(t, isotelMetrics());
    t.attach(
      'audit',
      'app.tick',
      () => {
        throw new Error('audit store down');
      },
      { onFailure: 'keep' },
    );
    collector = createCollector({
      telemetry: t,
      ingestToken,
      adminToken,
      metrics: prom.handler,
      node: 'ops',
      stream: { bufferedMessages: 1 },
    });
    const { url, port } = await collector.listen(0, '127.0.0.1');
    ticker = setInterval(() => {
      // one second's traffic at a time: on a loaded machine overlapping runs would pile up until
      // the collector misses Prometheus's 1 s scrape timeout and no sample is stored at all
      if (pending.size > 0) return;
      const run = traffic(url).catch(() => undefined);
      pending.add(run);
      void run.then(() => pending.delete(run));
    }, 1000);
    prometheus = await startPrometheus(() => [
      'rule_files:',
      `  - ${join(ops, 'alerts.yml')}`,
      'scrape_configs:',
      '  - job_name: isotel',
      '    metrics_path: /metrics',
      '    static_configs:',
      `      - targets: ['127.0.0.1:${port}']`,
    ]);
  }, 60_000);

  afterAll(async () => {
    if (ticker !== undefined) clearInterval(ticker);
    await Promise.all(pending);
    await prometheus?.stop();
    await collector?.close();
    await t.shutdown();
  }, 20_000);

  const query = async (promql: string): Promise<PromSample[]> => (await prometheus?.query(promql)) ?? [];

  /** Polls until every query has samples (or 40 s pass); the queries still without any. */
  async function withoutSamples(queries: readonly string[]): Promise<string[]> {
    let missing = [...queries];
    const deadline = Date.now() + 40_000;
    while (missing.length > 0 && Date.now() < deadline) {
      const results = await Promise.all(missing.map(async (q) => ((await query(q)).length > 0 ? undefined : q)));
      missing = results.filter((q): q is string => q !== undefined);
      if (missing.length > 0) await new Promise((r) => setTimeout(r, 1000));
    }
    return missing;
  }

  it('every panel query of the dashboard returns samples', async () => {
    const queries = panelQueries(readFileSync(`${ops}grafana-dashboard.json`, 'utf8'));
    expect(queries.length).toBeGreaterThanOrEqual(10);
    expect(await withoutSamples(queries.map((q) => q.expr))).toEqual([]);
  }, 60_000);

  it('every alert of alerts.yml becomes active on the traffic it is about', async () => {
    const names = alertNames(readFileSync(`${ops}alerts.yml`, 'utf8'));
    expect(names).toHaveLength(8);
    expect(await withoutSamples(names.map((name) => `ALERTS{alertname="${name}"}`))).toEqual([]);
    // the handler failure is this server's own; the refusals are counted by reason
    const failures = await query('telemetry_handler_failures_total');
    expect(failures.map((s) => s.metric.handler_id)).toEqual(['audit']);
    const refused = await query('isotel_collector_refused_total{reason="unauthorized"}');
    expect(Number(refused[0]?.value[1])).toBeGreaterThan(40);
  }, 60_000);
});
