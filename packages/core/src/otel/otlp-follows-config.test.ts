import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTelemetry, type Telemetry } from '../bus/telemetry.js';
import { loadConfig } from '../config/config.js';
import { loadConfigFile } from '../config/load-config-file.js';
import { counter } from '../metrics/definitions.js';
import { applyOtlpConfig, type OtlpExport } from './otlp-config.js';
import { type OtlpReceiver, startOtlpReceiver } from './otlp-receiver.test-kit.js';

const cleanup: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function receiver(): Promise<OtlpReceiver> {
  const r = await startOtlpReceiver();
  cleanup.push(() => r.close());
  return r;
}
function telemetry(): Telemetry {
  const t = createTelemetry();
  cleanup.push(() => t.shutdown());
  return t;
}
function follow(...args: Parameters<typeof applyOtlpConfig>): OtlpExport {
  const otlp = applyOtlpConfig(...args);
  cleanup.push(() => otlp.stop());
  return otlp;
}

// n "order.placed" events numbered from `from`, each also counted by the metric below
function place(t: Telemetry, from: number, n: number) {
  for (let i = from; i < from + n; i++) t.emit('order.placed', { count: 1 }, { seq: i });
}
const ORDERS = [counter('order.placed.count', { event: 'order.placed' })];
const seqs = (r: OtlpReceiver) =>
  r.logs.filter((l) => l.attributes['event.name'] === 'order.placed').map((l) => l.attributes.seq);
const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);
const orders = (r: OtlpReceiver) =>
  r.points.filter((p) => p.name === 'order.placed.count').reduce((sum, p) => sum + p.value, 0);

describe('applyOtlpConfig', () => {
  it('exports traces, metrics and log records to the configured endpoint with the resource from the config', async () => {
    const a = await receiver();
    const t = telemetry();
    const config = loadConfig({
      env: { OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=test', OTEL_SERVICE_NAME: 'shop' },
      options: { otlp: { enabled: true, endpoint: a.url, headers: { 'x-tenant': 'blue' } } },
    });
    const otlp = follow(config, t, { metrics: ORDERS, metricTemporality: 'delta' });
    await otlp.settled();
    place(t, 0, 300);
    t.span('checkout', { cart: 'c1' }, () => t.emit('checkout.step', { count: 1 }, { step: 'pay' }));
    await otlp.flush();
    expect(seqs(a)).toEqual(range(0, 300));
    expect(a.logs).toHaveLength(301);
    expect(a.logs[0]?.raw).toMatchObject({ eventName: 'order.placed', severityNumber: 9, severityText: 'INFO' });
    expect(a.spans.map((s) => s.raw.name)).toEqual(['checkout']);
    expect(orders(a)).toBe(300);
    expect(new Set(a.paths)).toEqual(new Set(['/v1/logs', '/v1/traces', '/v1/metrics']));
    for (const record of [...a.logs, ...a.spans, ...a.points]) {
      expect(record.resource).toMatchObject({ 'service.name': 'shop', 'deployment.environment': 'test' });
      expect(record.headers['x-tenant']).toBe('blue');
    }
    expect(otlp.status()).toMatchObject({
      running: true,
      serviceName: 'shop',
      logs: { url: `${a.url}/v1/logs`, sent: 301, failed: 0 },
      traces: { url: `${a.url}/v1/traces`, sent: 1, failed: 0 },
      metrics: { url: `${a.url}/v1/metrics`, failed: 0 },
    });
  });

  it('re-points every signal at a new otlp.endpoint: what came before goes to the old one, what comes after to the new, none to both', async () => {
    const [a, b] = [await receiver(), await receiver()];
    const t = telemetry();
    const config = loadConfig({ env: {}, options: { otlp: { enabled: true, endpoint: a.url } } });
    const otlp = follow(config, t, { metrics: ORDERS, metricTemporality: 'delta' });
    await otlp.settled();
    place(t, 0, 250);
    // a span open across the change ends after it: it goes to the new endpoint, once
    const open = t.startSpan('checkout', {});
    t.span('search', {}, () => undefined);
    config.set('otlp.endpoint', b.url);
    await otlp.settled();
    place(t, 250, 150);
    open.end();
    await otlp.flush();
    expect(seqs(a)).toEqual(range(0, 250));
    expect(seqs(b)).toEqual(range(250, 150));
    expect(orders(a)).toBe(250);
    expect(orders(b)).toBe(150);
    expect(a.spans.map((s) => s.raw.name)).toEqual(['search']);
    expect(b.spans.map((s) => s.raw.name)).toEqual(['checkout']);
    expect(otlp.status().logs).toMatchObject({ url: `${b.url}/v1/logs`, sent: 400, failed: 0 });
  });

  it('encodes as OTEL_EXPORTER_OTLP_PROTOCOL says (http/protobuf) and switches encoding live, each record once', async () => {
    const a = await receiver();
    const t = telemetry();
    const config = loadConfig({
      env: { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf', OTEL_SERVICE_NAME: 'shop' },
      options: { otlp: { enabled: true, endpoint: a.url } },
    });
    expect(config.source('otlp.protocol')).toBe('environment OTEL_EXPORTER_OTLP_PROTOCOL');
    const otlp = follow(config, t, { metrics: ORDERS, metricTemporality: 'delta' });
    await otlp.settled();
    place(t, 0, 120);
    t.span('checkout', {}, () => undefined);
    await otlp.flush();
    expect(new Set(a.protocols)).toEqual(new Set(['application/x-protobuf']));
    expect(seqs(a)).toEqual(range(0, 120));
    expect(a.logs[0]?.raw).toMatchObject({ eventName: 'order.placed', severityNumber: 9 });
    expect(a.logs[0]?.resource).toMatchObject({ 'service.name': 'shop' });
    expect(a.spans.map((s) => s.raw.name)).toEqual(['checkout']);
    expect(orders(a)).toBe(120);

    const before = a.protocols.length;
    config.set('otlp.protocol', 'http/json');
    await otlp.settled();
    place(t, 120, 30);
    await otlp.flush();
    expect(new Set(a.protocols.slice(before))).toEqual(new Set(['application/json']));
    expect(seqs(a)).toEqual(range(0, 150));
    expect(orders(a)).toBe(150);
    expect(() => config.set('otlp.protocol', 'grpc' as 'http/json')).toThrow(
      'Config key "otlp.protocol" (from config.set): expected one of "http/json", "http/protobuf", got "grpc".',
    );
  });

  it('moves one signal with its own endpoint and leaves the others where they are', async () => {
    const [a, b] = [await receiver(), await receiver()];
    const t = telemetry();
    const config = loadConfig({ env: {}, options: { otlp: { enabled: true, endpoint: a.url } } });
    const otlp = follow(config, t);
    await otlp.settled();
    place(t, 0, 10);
    config.set('otlp.logsEndpoint', `${b.url}/custom/logs`);
    await otlp.settled();
    place(t, 10, 20);
    t.span('search', {}, () => undefined);
    await otlp.flush();
    expect(seqs(a)).toEqual(range(0, 10));
    expect(seqs(b)).toEqual(range(10, 20));
    expect(b.paths).toEqual(['/custom/logs']);
    expect(a.spans).toHaveLength(1);
    expect(b.spans).toHaveLength(0);
  });

  it('rebuilds with a new resource when serviceName changes, without losing or repeating a record', async () => {
    const a = await receiver();
    const t = telemetry();
    const config = loadConfig({ env: {}, options: { serviceName: 'v1', otlp: { enabled: true, endpoint: a.url } } });
    const otlp = follow(config, t, { metrics: ORDERS, metricTemporality: 'delta' });
    await otlp.settled();
    place(t, 0, 100);
    config.set('serviceName', 'v2');
    place(t, 100, 50); // before the change is applied: still the old pipeline
    await otlp.settled();
    place(t, 150, 50);
    await otlp.flush();
    expect(seqs(a).sort((x, y) => Number(x) - Number(y))).toEqual(range(0, 200));
    const byService = (name: string) => a.logs.filter((l) => l.resource['service.name'] === name).length;
    expect(byService('v1')).toBe(150);
    expect(byService('v2')).toBe(50);
    expect(orders(a)).toBe(200);
  });

  it('stops on otlp.enabled=false after sending what was queued, and starts again on true', async () => {
    const a = await receiver();
    const t = telemetry();
    const config = loadConfig({ env: {}, options: { otlp: { enabled: true, endpoint: a.url } } });
    const otlp = follow(config, t);
    await otlp.settled();
    place(t, 0, 40);
    config.set('otlp.enabled', false);
    await otlp.settled();
    expect(seqs(a)).toEqual(range(0, 40));
    place(t, 40, 10); // not exported
    config.set('enabled', false);
    config.set('otlp.enabled', true);
    await otlp.settled();
    expect(otlp.status().running).toBe(false); // the master switch is off
    config.set('enabled', true);
    await otlp.settled();
    place(t, 50, 5);
    await otlp.flush();
    expect(seqs(a)).toEqual([...range(0, 40), ...range(50, 5)]);
    await otlp.stop();
    place(t, 55, 5);
    expect(seqs(a)).toHaveLength(45);
    expect(otlp.status().running).toBe(false);
  });

  it('reports refused exports in status() and recovers when re-pointed at a receiver that accepts', async () => {
    const [bad, good] = [await receiver(), await receiver()];
    bad.status = 400;
    const t = telemetry();
    const config = loadConfig({ env: {}, options: { otlp: { enabled: true, endpoint: bad.url } } });
    const otlp = follow(config, t);
    await otlp.settled();
    place(t, 0, 7);
    await otlp.flush();
    expect(otlp.status().logs).toMatchObject({ sent: 0, failed: 7, url: `${bad.url}/v1/logs` });
    expect(otlp.status().logs.lastError).toBeTypeOf('string');
    config.set('otlp.endpoint', good.url);
    await otlp.settled();
    place(t, 7, 3);
    await otlp.flush();
    expect(seqs(good)).toEqual(range(7, 3));
    expect(otlp.status().logs).toMatchObject({ sent: 3, failed: 7, url: `${good.url}/v1/logs` });
  });

  it('sends each change of a bound configuration as a telemetry.config.change record, secrets redacted', async () => {
    const a = await receiver();
    const t = telemetry();
    const config = loadConfig({ env: {}, options: { otlp: { enabled: true, endpoint: a.url } } });
    config.bind(t);
    const otlp = follow(config, t);
    await otlp.settled();
    config.set('otlp.headers', { authorization: 'Bearer s3cret' });
    config.set('statsd.port', 9125, { source: 'admin API' });
    await otlp.settled();
    await otlp.flush();
    const changes = a.logs.filter((l) => l.attributes['event.name'] === 'telemetry.config.change');
    expect(changes.map((l) => l.attributes)).toEqual([
      expect.objectContaining({ path: 'otlp.headers', value: '[redacted]', previous: '[redacted]', count: 1 }),
      expect.objectContaining({ path: 'statsd.port', value: 9125, previous: 8125, source: 'admin API' }),
    ]);
    expect(JSON.stringify(a.logs.map((l) => l.raw))).not.toContain('s3cret');
  });

  it('sends new headers after a change of otlp.headers', async () => {
    const a = await receiver();
    const t = telemetry();
    const config = loadConfig({ env: {}, options: { otlp: { enabled: true, endpoint: a.url } } });
    const otlp = follow(config, t);
    await otlp.settled();
    place(t, 0, 3);
    config.set('otlp.headers', { authorization: 'Bearer two' });
    await otlp.settled();
    place(t, 3, 3);
    await otlp.flush();
    expect(a.logs.map((l) => l.headers.authorization)).toEqual([
      undefined,
      undefined,
      undefined,
      ...Array(3).fill('Bearer two'),
    ]);
  });

  it('is configured by the OpenTelemetry environment and by a TOML file', async () => {
    const [a, b] = [await receiver(), await receiver()];
    const t = telemetry();
    const fromEnv = loadConfig({
      env: { ISOTEL_OTLP_ENABLED: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: a.url, OTEL_SERVICE_NAME: 'env-svc' },
    });
    const otlp = follow(fromEnv, t);
    await otlp.settled();
    place(t, 0, 2);
    await otlp.flush();
    expect(a.logs.map((l) => l.resource['service.name'])).toEqual(['env-svc', 'env-svc']);
    await otlp.stop();

    const dir = mkdtempSync(join(tmpdir(), 'isotel-otlp-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, 'isotel.toml');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a ${VAR} reference in the file
    writeFileSync(path, 'serviceName = "toml-svc"\n[otlp]\nenabled = true\nendpoint = "${COLLECTOR}"\n');
    const fromFile = follow(loadConfigFile(path, { env: { COLLECTOR: b.url, OTEL_SDK_DISABLED: 'true' } }), t);
    await fromFile.settled();
    place(t, 2, 2);
    await fromFile.flush();
    expect(b.logs.map((l) => [l.resource['service.name'], l.attributes.seq])).toEqual([
      ['toml-svc', 2],
      ['toml-svc', 3],
    ]);
    expect(seqs(a)).toEqual([0, 1]);
  });
});
