// docs/ops for several collectors: the aggregation and alert rules are valid and add up every
// instance as their unit tests say, the scrape config (every instance, both rule files) is valid,
// the rules query only metrics the reporter exposes, and nginx accepts the load-balancer config.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createTelemetry } from '../../../bus/telemetry.js';
import { isotelMetrics } from '../../../metrics/own-metrics.js';
import { prometheusSkipReason, promtool } from '../../prometheus/prometheus.test-kit.js';
import { prometheusReporter } from '../../prometheus/prometheus-reporter.js';
import { hasNginx, NGINX } from './processes.test-kit.js';

const ops = fileURLToPath(new URL('../../../../../../docs/ops/', import.meta.url));
const run = (...args: string[]) => {
  const result = promtool(args, ops);
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
};

describe.skipIf(prometheusSkipReason !== '')(`the scale-out ops files ${prometheusSkipReason}`, () => {
  it('promtool check rules accepts collectors.rules.yml', () => {
    const result = run('check', 'rules', 'collectors.rules.yml');
    expect(result.output).toContain('SUCCESS: 8 rules found');
    expect(result.status).toBe(0);
  });

  it('the cluster-wide series add up every instance and the alerts fire, as collectors.rules.test.yml says', () => {
    const result = run('test', 'rules', 'collectors.rules.test.yml');
    expect(result.output).toContain('SUCCESS');
    expect(result.status).toBe(0);
  });

  it('promtool check config accepts prometheus-collectors.yml and both rule files it loads', () => {
    const result = run('check', 'config', 'prometheus-collectors.yml');
    expect(result.output).toContain('SUCCESS: 2 rule files found');
    expect(result.status).toBe(0);
  });
});

it('the cluster rules query only metrics the reporter exposes for isotelMetrics()', () => {
  const exposed = new Set(prometheusReporter(createTelemetry(), isotelMetrics()).names);
  const rules = readFileSync(join(ops, 'collectors.rules.yml'), 'utf8');
  const used = new Set((rules.match(/\bisotel_collector_[a-z_]+/g) ?? []).map((n) => n.replace(/_total$/, '')));
  expect(used.size).toBe(3);
  expect([...used].filter((name) => !exposed.has(name) && !exposed.has(`${name}_total`))).toEqual([]);
});

it.skipIf(!hasNginx)('nginx -t accepts nginx-collectors.conf', () => {
  const prefix = mkdtempSync(join(tmpdir(), 'isotel-nginx-t-'));
  try {
    const result = spawnSync(NGINX, ['-t', '-p', prefix, '-c', join(ops, 'nginx-collectors.conf')], {
      encoding: 'utf8',
    });
    expect(`${result.stdout}${result.stderr}`).toContain('syntax is ok');
    expect(result.status).toBe(0);
  } finally {
    rmSync(prefix, { recursive: true, force: true });
  }
});
