// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the ${VAR} references of a config file are under test
// The collector's admin API over real HTTP: the effective configuration with the source of each
// value, runtime changes that re-point real exporters (OTLP to a loopback receiver, StatsD to a
// loopback UDP agent) without losing or doubling events, refusals that keep the previous value,
// and every exporter's status.
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTelemetry, type Telemetry } from '../../bus/telemetry.js';
import { CONFIG_CHANGE_EVENT, loadConfig } from '../../config/config.js';
import { until as poll } from '../../config/config.test-kit.js';
import type { ExporterStatus } from '../../config/exporter-status.js';
import { loadConfigFile, reloadConfigFile } from '../../config/load-config-file.js';
import { applyReporterConfig } from '../../config/reporter-config.js';
import { type ConfigPath, type KeySpec, SCHEMA } from '../../config/schema.js';
import type { EventRecord } from '../../export/record.js';
import { uuidv7 } from '../../id/uuidv7.js';
import { counter } from '../../metrics/definitions.js';
import { applyOtlpConfig } from '../../otel/otlp-config.js';
import { type OtlpReceiver, startOtlpReceiver } from '../../otel/otlp-receiver.test-kit.js';
import { captureEvents } from '../../testing/capture-events.js';
import { statsdReporter } from '../statsd/statsd-reporter.js';
import { startCollector } from './collector.test-kit.js';

const ADMIN = 'admin-secret';
const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});
function telemetry(): Telemetry {
  const t = createTelemetry();
  cleanup.push(() => t.shutdown());
  return t;
}
async function receiver(): Promise<OtlpReceiver> {
  const r = await startOtlpReceiver();
  cleanup.push(() => r.close());
  return r;
}
async function udpAgent() {
  const socket = createSocket('udp4');
  const lines: string[] = [];
  socket.on('message', (m) =>
    lines.push(
      ...m
        .toString()
        .split('\n')
        .filter((l) => l !== ''),
    ),
  );
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
  cleanup.push(() => new Promise<void>((r) => socket.close(() => r())));
  return { port: socket.address().port, lines };
}

const ORDERS = [counter('order.placed.count', { event: 'order.placed' })];
const orders = (from: number, n: number): EventRecord[] =>
  Array.from({ length: n }, (_, i) => ({
    id: uuidv7(),
    name: 'order.placed',
    time: Date.now(),
    measurements: { count: 1 },
    metadata: { seq: from + i },
  }));
const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);
const seqs = (r: OtlpReceiver) =>
  r.logs.filter((l) => l.attributes['event.name'] === 'order.placed').map((l) => l.attributes.seq);
// each StatsD line is one order counted: `order.placed.count:1|c`
const counted = (lines: readonly string[]) => lines.filter((l) => l.startsWith('order.placed.count:1|c')).length;

function admin(url: string) {
  const headers = { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' };
  return {
    get: (path: string) => fetch(`${url}${path}`, { headers }),
    patch: (body: unknown) =>
      fetch(`${url}/v1/config`, {
        method: 'PATCH',
        headers,
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
    post: (events: EventRecord[]) =>
      fetch(`${url}/v1/events`, { method: 'POST', headers, body: JSON.stringify({ clientId: 'c1', events }) }),
  };
}

describe('the collector admin API for configuration and status', () => {
  it('lists every value with its source: environment, OpenTelemetry variable, file with ${VAR}, options', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'isotel-admin-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'isotel.toml');
    writeFileSync(
      file,
      '[otlp]\nendpoint = "${COLLECTOR_URL}"\nheaders = { authorization = "Bearer ${OTLP_TOKEN}" }\n',
    );
    const config = loadConfigFile(file, {
      env: {
        ISOTEL_STATSD_PORT: '8200',
        OTEL_SERVICE_NAME: 'shop',
        COLLECTOR_URL: 'http://otel:4318',
        OTLP_TOKEN: 'hush',
      },
      options: { metrics: { maxSeries: 50 } },
    });
    const { url } = await startCollector({ telemetry: telemetry(), adminToken: ADMIN, config });
    expect((await fetch(`${url}/v1/config`)).status).toBe(401);
    const wrong = await fetch(`${url}/v1/config`, { headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(403);

    const response = await admin(url).get('/v1/config');
    expect(response.status).toBe(200);
    const { entries } = (await response.json()) as { entries: { path: string; value: unknown; source: string }[] };
    const byPath = new Map(entries.map((e) => [e.path, e]));
    expect(byPath.get('statsd.port')).toEqual({
      path: 'statsd.port',
      value: 8200,
      source: 'environment ISOTEL_STATSD_PORT',
    });
    expect(byPath.get('serviceName')).toEqual({
      path: 'serviceName',
      value: 'shop',
      source: 'environment OTEL_SERVICE_NAME',
    });
    expect(byPath.get('otlp.endpoint')).toEqual({
      path: 'otlp.endpoint',
      value: 'http://otel:4318',
      source: `config file ${file}`,
    });
    expect(byPath.get('otlp.headers')).toEqual({
      path: 'otlp.headers',
      value: '[redacted]',
      source: `config file ${file}`,
    });
    expect(byPath.get('metrics.maxSeries')).toEqual({ path: 'metrics.maxSeries', value: 50, source: 'options' });
    expect(byPath.get('prometheus.port')).toEqual({ path: 'prometheus.port', value: 9464, source: 'defaults' });
    expect(entries.map((e) => e.path)).toContain('exporter.endpoint');
    expect(JSON.stringify(entries)).not.toContain('hush');
  });

  it('re-points OTLP and StatsD at runtime: each event delivered once, refusals keep the value in force', async () => {
    const [a, b] = [await receiver(), await receiver()];
    const [agentA, agentB] = [await udpAgent(), await udpAgent()];
    const t = telemetry();
    const config = loadConfig({
      env: {},
      options: {
        serviceName: 'shop',
        otlp: { enabled: true, endpoint: a.url },
        statsd: { enabled: true, port: agentA.port },
        prometheus: { enabled: false },
      },
    });
    const otlp = applyOtlpConfig(config, t, { eventPatterns: ['order.**'] });
    cleanup.push(() => otlp.stop());
    const reporters = applyReporterConfig(config, {
      createStatsd: (s) => statsdReporter(t, ORDERS, { ...s, bufferFlushInterval: 20 }),
    });
    cleanup.push(reporters);
    const { url } = await startCollector({
      telemetry: t,
      adminToken: ADMIN,
      node: 'node-1',
      config,
      exporters: { otlp, statsd: () => reporters.status().statsd },
    });
    const api = admin(url);
    const changes = captureEvents(t, 'telemetry.config.change');
    await otlp.settled();

    expect((await api.post(orders(0, 40))).status).toBe(200);
    const moved = await api.patch({ 'otlp.endpoint': b.url, 'statsd.port': agentB.port });
    expect(moved.status).toBe(200);
    expect(config.get('otlp.endpoint')).toBe(b.url);
    expect(config.source('otlp.endpoint')).toBe('admin API (node-1)');
    expect((await api.post(orders(40, 60))).status).toBe(200);
    await otlp.settled();
    await otlp.flush();
    // every order exactly once, the ones before the change at A, the ones after at B
    expect(seqs(a)).toEqual(range(0, 40));
    expect(seqs(b)).toEqual(range(40, 60));
    await poll(async () => (counted(agentA.lines) + counted(agentB.lines) >= 100 ? true : undefined));
    expect([counted(agentA.lines), counted(agentB.lines)]).toEqual([40, 60]);
    expect(changes.events.map((e) => e.metadata)).toEqual([
      { path: 'otlp.endpoint', value: b.url, previous: a.url, source: 'admin API (node-1)' },
      { path: 'statsd.port', value: agentB.port, previous: agentA.port, source: 'admin API (node-1)' },
    ]);

    // one bad value among good ones: 400 naming the key, none applied, no event
    const refused = await api.patch({ 'statsd.port': agentA.port, 'otlp.endpoint': 'not a url' });
    expect(refused.status).toBe(400);
    const { error } = (await refused.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe('invalid_config');
    expect(error.message).toContain('"otlp.endpoint"');
    expect(config.get('statsd.port')).toBe(agentB.port);
    expect(config.get('otlp.endpoint')).toBe(b.url);
    const unknown = await api.patch({ 'statsd.prot': 1 });
    expect(await unknown.json()).toMatchObject({
      error: { code: 'invalid_config', message: expect.stringContaining('"statsd.prot"') },
    });
    expect((await api.patch('[1, 2')).status).toBe(400);
    expect((await api.patch([1])).status).toBe(400);
    expect(changes.events).toHaveLength(2);

    const status = await api.get('/v1/exporters');
    const { exporters } = (await status.json()) as { exporters: ExporterStatus[] };
    const [otlpStatus, statsdStatus] = exporters;
    expect(otlpStatus).toMatchObject({ name: 'otlp', failed: 0 });
    expect(otlpStatus?.sent).toBeGreaterThanOrEqual(100);
    expect(otlpStatus?.details).toMatchObject({
      running: true,
      serviceName: 'shop',
      logs: { url: `${b.url}/v1/logs` },
    });
    // the reporter in force was created at the start; it recorded all 100 and sent them
    expect(statsdStatus).toMatchObject({ name: 'statsd', sent: 100, failed: 0, details: { enabled: true } });
  });

  it('answers 404 no_config without a configuration and 405 for other methods', async () => {
    const { url } = await startCollector({ telemetry: telemetry(), adminToken: ADMIN });
    const api = admin(url);
    expect(await (await api.get('/v1/config')).json()).toMatchObject({ error: { code: 'no_config' } });
    expect(await (await api.get('/v1/exporters')).json()).toEqual({ exporters: [] });
    const put = await fetch(`${url}/v1/exporters`, { method: 'DELETE', headers: { authorization: `Bearer ${ADMIN}` } });
    expect(put.status).toBe(405);
  });

  it('changes every key of the table through PATCH, and refuses a bad value for each naming it', async () => {
    const t = telemetry();
    const config = loadConfig({ env: {} });
    const { url } = await startCollector({ telemetry: t, adminToken: ADMIN, node: 'n', config });
    const api = admin(url);
    const changes = captureEvents(t, CONFIG_CHANGE_EVENT);
    const paths = Object.keys(SCHEMA) as ConfigPath[];
    for (const path of paths) {
      const spec = SCHEMA[path];
      const before = config.get(path);
      const bad = await api.patch({ [path]: badValue(spec) });
      expect(bad.status, path).toBe(400);
      expect(await bad.json(), path).toMatchObject({
        error: { code: 'invalid_config', message: expect.stringContaining(`"${path}"`) },
      });
      expect(config.get(path), path).toEqual(before);

      const value = goodValue(spec);
      const good = await api.patch({ [path]: value });
      expect(good.status, path).toBe(200);
      const { entries } = (await good.json()) as { entries: { path: string; value: unknown; source: string }[] };
      expect(
        entries.find((e) => e.path === path),
        path,
      ).toEqual({
        path,
        value: spec.secret === true ? '[redacted]' : value,
        source: 'admin API (n)',
      });
      expect(config.get(path), path).toEqual(value);
    }
    // one event per key, none for the refusals
    expect(changes.events.map((e) => e.metadata.path)).toEqual(paths);
  });

  it('applies a reloaded config file live: OTLP and StatsD re-pointed, each event once, runtime changes kept', async () => {
    const [a, b] = [await receiver(), await receiver()];
    const [agentA, agentB] = [await udpAgent(), await udpAgent()];
    const dir = mkdtempSync(join(tmpdir(), 'isotel-reload-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'isotel.yaml');
    // the OTLP endpoint is a ${VAR} reference, read again at each reload
    const write = (statsdPort: number, bufferBytes: number) =>
      writeFileSync(
        file,
        `otlp:\n  enabled: true\n  endpoint: \${OTLP_URL}\nstatsd:\n  enabled: true\n  port: ${statsdPort}\n  maxBufferSize: ${bufferBytes}\n`,
      );
    const env = { OTLP_URL: a.url };
    write(agentA.port, 1000);
    const t = telemetry();
    const config = loadConfigFile(file, { env, options: { prometheus: { enabled: false } } });
    const otlp = applyOtlpConfig(config, t, { eventPatterns: ['order.**'] });
    cleanup.push(() => otlp.stop());
    const reporters = applyReporterConfig(config, {
      createStatsd: (s) => statsdReporter(t, ORDERS, { ...s, bufferFlushInterval: 20 }),
    });
    cleanup.push(reporters);
    await otlp.settled();
    const { url } = await startCollector({ telemetry: t, adminToken: ADMIN, node: 'n', config });
    const api = admin(url);
    const changes = captureEvents(t, CONFIG_CHANGE_EVENT);

    expect((await api.post(orders(0, 30))).status).toBe(200);
    // a runtime change outranks the file, before and after the reload
    expect((await api.patch({ 'statsd.maxBufferSize': 512 })).status).toBe(200);
    env.OTLP_URL = b.url;
    write(agentB.port, 2000);
    reloadConfigFile(config, file);
    expect(config.source('statsd.port')).toBe(`config file ${file}`);
    expect(config.get('statsd.maxBufferSize')).toBe(512);
    expect((await api.post(orders(30, 20))).status).toBe(200);
    await otlp.settled();
    await otlp.flush();
    expect(seqs(a)).toEqual(range(0, 30));
    expect(seqs(b)).toEqual(range(30, 20));
    await poll(async () => (counted(agentA.lines) + counted(agentB.lines) >= 50 ? true : undefined));
    expect([counted(agentA.lines), counted(agentB.lines)]).toEqual([30, 20]);
    expect(changes.events.map((e) => [e.metadata.path, e.metadata.source])).toEqual([
      ['statsd.maxBufferSize', 'admin API (n)'],
      ['statsd.port', `config file ${file}`],
      ['otlp.endpoint', `config file ${file}`],
    ]);

    // a bad file changes nothing
    writeFileSync(file, 'statsd:\n  port: http\n');
    expect(() => reloadConfigFile(config, file)).toThrow(`Config key "statsd.port" (from config file ${file})`);
    expect(config.get('statsd.port')).toBe(agentB.port);
    // a key taken out of the file falls back to its default
    writeFileSync(file, 'statsd:\n  enabled: true\n');
    reloadConfigFile(config, file);
    expect([config.get('statsd.port'), config.source('statsd.port')]).toEqual([8125, 'defaults']);
    expect(config.get('otlp.enabled')).toBe(false);
  });
});

function goodValue(spec: KeySpec): unknown {
  switch (spec.type) {
    case 'boolean':
      return !spec.default;
    case 'integer':
      return (spec.default as number) === spec.max ? (spec.default as number) - 1 : (spec.default as number) + 1;
    case 'number':
      return spec.default === 1 ? 0.5 : (spec.default as number) * 2;
    case 'string':
      return spec.oneOf?.find((v) => v !== spec.default) ?? `${String(spec.default)}-changed`;
    case 'url':
    case 'url?':
      return 'http://127.0.0.1:1/changed';
    default:
      return { changed: 'yes' };
  }
}

function badValue(spec: KeySpec): unknown {
  switch (spec.type) {
    case 'boolean':
      return 'maybe';
    case 'integer':
      return 1.5;
    case 'number':
      return -1;
    case 'string':
      return 42;
    case 'url':
    case 'url?':
      return 'not a url';
    default:
      return 'k=v';
  }
}
