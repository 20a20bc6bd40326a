// docs/ops: the alert rules are valid and fire as their unit tests say, and every metric the
// rules and the Grafana dashboard query is one the Prometheus reporter exposes for isotelMetrics().
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createTelemetry } from '../../bus/telemetry.js';
import { isotelMetrics } from '../../metrics/own-metrics.js';
import { prometheusReporter } from './prometheus-reporter.js';

const ops = fileURLToPath(new URL('../../../../../docs/ops/', import.meta.url));
const PROMTOOL = process.env.PROMTOOL_PATH ?? '/usr/bin/promtool';
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const skipReason =
  !existsSync(PROMTOOL) && !isRoot ? `(${PROMTOOL} is missing; apt-get install prometheus needs root)` : '';

function promtool(...args: string[]) {
  const result = spawnSync(PROMTOOL, args, { cwd: ops, encoding: 'utf8' });
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
