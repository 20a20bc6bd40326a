// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the ${VAR} syntax of config files is under test
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTelemetry, type Telemetry } from '../bus/telemetry.js';
import type { Metadata } from '../bus/types.js';
import { messageOf } from '../errors/errors.test-kit.js';
import { CONFIG_CHANGE_EVENT, loadConfig } from './config.js';
import { loadConfigFile } from './load-config-file.js';
import { SCHEMA } from './schema.js';

const message = (fn: () => unknown): string => messageOf(fn, 'invalid_config');

const dirs: string[] = [];
function file(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'isotel-config-'));
  dirs.push(dir);
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}
const telemetries: Telemetry[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  for (const t of telemetries.splice(0)) await t.shutdown();
});

const TOML = `
serviceName = "shop-\${REGION}"
resourceAttributes = { "deployment.environment" = "prod", "service.version" = "\${VERSION:-dev}" }

[statsd]
enabled = true
port = "\${STATSD_PORT}"
prefix = "shop."

[otlp]
enabled = true
endpoint = "http://\${OTLP_HOST}:4318"
headers = { authorization = "Bearer \${OTLP_TOKEN}" }
`;

const YAML = `
serviceName: shop-\${REGION}
resourceAttributes:
  deployment.environment: prod
  service.version: \${VERSION:-dev}
statsd:
  enabled: true
  port: \${STATSD_PORT}
  prefix: shop.
otlp:
  enabled: true
  endpoint: http://\${OTLP_HOST}:4318
  headers:
    authorization: Bearer \${OTLP_TOKEN}
`;

const JSON_FILE = JSON.stringify({
  serviceName: 'shop-${REGION}',
  resourceAttributes: { 'deployment.environment': 'prod', 'service.version': '${VERSION:-dev}' },
  statsd: { enabled: true, port: '${STATSD_PORT}', prefix: 'shop.' },
  otlp: { enabled: true, endpoint: 'http://${OTLP_HOST}:4318', headers: { authorization: 'Bearer ${OTLP_TOKEN}' } },
});

const ENV = { REGION: 'eu', STATSD_PORT: '8126', OTLP_HOST: 'otel', OTLP_TOKEN: 's3cret' };

describe('config files in JSON, TOML and YAML with ${VAR} references', () => {
  for (const [name, text] of [
    ['isotel.json', JSON_FILE],
    ['isotel.toml', TOML],
    ['isotel.yaml', YAML],
  ] as const) {
    it(`reads ${name} with the same result`, () => {
      const path = file(name, text);
      const config = loadConfigFile(path, { env: ENV });
      expect(config.get('serviceName')).toBe('shop-eu');
      expect(config.get('resourceAttributes')).toEqual({ 'deployment.environment': 'prod', 'service.version': 'dev' });
      expect(config.get('statsd.port')).toBe(8126);
      expect(config.get('statsd.enabled')).toBe(true);
      expect(config.get('otlp.endpoint')).toBe('http://otel:4318');
      expect(config.get('otlp.headers')).toEqual({ authorization: 'Bearer s3cret' });
      expect(config.source('otlp.headers')).toBe(`config file ${path}`);
      expect(config.source('statsd.port')).toBe(`config file ${path}`);
      expect(config.source('prometheus.port')).toBe('defaults');
      const withVersion = loadConfigFile(path, { env: { ...ENV, VERSION: '1.4.2' } });
      expect(withVersion.get('resourceAttributes')['service.version']).toBe('1.4.2');
    });
  }

  it('refuses an unset variable, naming the key, the file and the variable', () => {
    const path = file('isotel.toml', TOML);
    const { OTLP_TOKEN: _, ...env } = ENV;
    expect(message(() => loadConfigFile(path, { env }))).toBe(
      `Config key "otlp.headers" (from config file ${path}): environment variable OTLP_TOKEN is not set (write \${OTLP_TOKEN:-fallback} for a default).`,
    );
  });

  it('coerces an interpolated value like environment text and names the key when it does not fit', () => {
    const path = file('isotel.yaml', YAML);
    expect(message(() => loadConfigFile(path, { env: { ...ENV, STATSD_PORT: 'eighty' } }))).toBe(
      `Config key "statsd.port" (from config file ${path}): expected an integer in [1, 65535], got "eighty".`,
    );
  });

  it('keeps $${ as a literal and refuses a malformed reference', () => {
    const config = loadConfig({ env: {}, file: { path: 'a.json', contents: { serviceName: 'cost-$${USD}' } } });
    expect(config.get('serviceName')).toBe('cost-${USD}');
    expect(message(() => loadConfig({ env: {}, file: { path: 'a.json', contents: { serviceName: '${1A}' } } }))).toBe(
      'Config key "serviceName" (from config file a.json): "${1A}" does not name an environment variable.',
    );
    expect(message(() => loadConfig({ env: {}, file: { path: 'a.json', contents: { serviceName: 'a${B' } } }))).toBe(
      'Config key "serviceName" (from config file a.json): "${" is not closed by "}".',
    );
  });

  it('does not interpolate explicit options', () => {
    expect(loadConfig({ env: ENV, options: { serviceName: '${REGION}' } }).get('serviceName')).toBe('${REGION}');
  });

  it('names the file and the line of a TOML or YAML syntax error, and refuses unknown keys', () => {
    const toml = file('bad.toml', 'serviceName = "a"\n[statsd\nport = 1\n');
    expect(message(() => loadConfigFile(toml, { env: {} }))).toMatch(/^Config file .*bad\.toml is not valid TOML: /);
    const yaml = file('bad.yml', 'statsd:\n  port: [1\n');
    expect(message(() => loadConfigFile(yaml, { env: {} }))).toMatch(/^Config file .*bad\.yml is not valid YAML: /);
    const unknown = file('x.yaml', 'statsd:\n  prot: 1\n');
    expect(message(() => loadConfigFile(unknown, { env: {} }))).toBe(
      `Unknown config key "statsd.prot" (from config file ${unknown}).`,
    );
    expect(loadConfigFile(file('empty.yaml', ''), { env: {} }).get('serviceName')).toBe('unknown_service');
  });
});

describe('OpenTelemetry environment variables', () => {
  it('reads the OTEL_* variables the specification defines, below their ISOTEL_* twins', () => {
    const config = loadConfig({
      env: {
        OTEL_SERVICE_NAME: 'checkout',
        OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=prod, team=pay%2Cments,service.name=ignored',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel:4318',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://tempo:4318/v1/traces',
        OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'http://mimir:4318/otlp/v1/metrics',
        OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: 'http://loki:3100/otlp/v1/logs',
        OTEL_EXPORTER_OTLP_HEADERS: 'api-key=k%3D1,x-tenant=shop',
        ISOTEL_OTLP_ENABLED: 'true',
      },
    });
    expect(config.get('serviceName')).toBe('checkout');
    expect(config.source('serviceName')).toBe('environment OTEL_SERVICE_NAME');
    expect(config.get('resourceAttributes')).toEqual({
      'deployment.environment': 'prod',
      team: 'pay,ments',
      'service.name': 'ignored',
    });
    expect(config.get().otlp.endpoint).toBe('http://otel:4318');
    expect(config.get('otlp.tracesEndpoint')).toBe('http://tempo:4318/v1/traces');
    expect(config.get('otlp.metricsEndpoint')).toBe('http://mimir:4318/otlp/v1/metrics');
    expect(config.get('otlp.logsEndpoint')).toBe('http://loki:3100/otlp/v1/logs');
    expect(config.source('otlp.logsEndpoint')).toBe('environment OTEL_EXPORTER_OTLP_LOGS_ENDPOINT');
    expect(config.get('otlp.headers')).toEqual({ 'api-key': 'k=1', 'x-tenant': 'shop' });
    expect(config.get('otlp.enabled')).toBe(true);
    const twins = loadConfig({
      env: {
        OTEL_EXPORTER_OTLP_HEADERS: 'a=1',
        ISOTEL_OTLP_HEADERS: 'b=2',
        OTEL_SERVICE_NAME: 'x',
        ISOTEL_SERVICE_NAME: 'y',
      },
    });
    expect(twins.get('otlp.headers')).toEqual({ b: '2' });
    expect(twins.get('serviceName')).toBe('y');
  });

  it('takes service.name from OTEL_RESOURCE_ATTRIBUTES when OTEL_SERVICE_NAME is unset', () => {
    const config = loadConfig({ env: { OTEL_RESOURCE_ATTRIBUTES: 'service.name=billing' } });
    expect(config.get('serviceName')).toBe('billing');
    expect(config.source('serviceName')).toBe('environment OTEL_RESOURCE_ATTRIBUTES');
  });

  it('turns OTLP export off for OTEL_SDK_DISABLED=true only, as the specification reads booleans', () => {
    const on = { ISOTEL_OTLP_ENABLED: 'true' };
    expect(loadConfig({ env: { OTEL_SDK_DISABLED: 'TRUE' } }).get('otlp.enabled')).toBe(false);
    expect(
      loadConfig({ env: { OTEL_SDK_DISABLED: 'TRUE' }, options: { otlp: { enabled: true } } }).get('otlp.enabled'),
    ).toBe(true);
    const disabled = loadConfig({ env: { OTEL_SDK_DISABLED: 'true', ...on } });
    expect(disabled.get('otlp.enabled')).toBe(true); // ISOTEL_OTLP_ENABLED is above it
    const fileOn = loadConfig({
      env: { OTEL_SDK_DISABLED: 'true' },
      file: { path: 'f.json', contents: { otlp: { enabled: true } } },
    });
    expect(fileOn.get('otlp.enabled')).toBe(true);
    for (const text of ['false', '1', 'yes']) {
      const config = loadConfig({ env: { OTEL_SDK_DISABLED: text, ...on } });
      expect(config.get('otlp.enabled')).toBe(true);
    }
    expect(loadConfig({ env: { OTEL_SDK_DISABLED: 'true' } }).source('otlp.enabled')).toBe(
      'environment OTEL_SDK_DISABLED',
    );
  });

  it('refuses malformed pairs and URLs, naming the variable', () => {
    expect(message(() => loadConfig({ env: { OTEL_EXPORTER_OTLP_HEADERS: 'novalue' } }))).toBe(
      'Config key "otlp.headers" (from environment OTEL_EXPORTER_OTLP_HEADERS): expected key=value pairs separated by commas, got "novalue".',
    );
    expect(message(() => loadConfig({ env: { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: '/v1/traces' } }))).toContain(
      '"otlp.tracesEndpoint" (from environment OTEL_EXPORTER_OTLP_TRACES_ENDPOINT): expected an absolute URL or ""',
    );
  });
});

describe('runtime changes on a bound bus', () => {
  it('emits telemetry.config.change for each change, with secrets redacted; a refused value changes nothing', () => {
    const t = createTelemetry();
    telemetries.push(t);
    const config = loadConfig({ env: {} });
    const seen: Metadata[] = [];
    t.attach('watch', CONFIG_CHANGE_EVENT, (_name, m, md) => {
      expect(m.count).toBe(1);
      seen.push(md);
    });
    const unbind = config.bind(t);
    config.set('statsd.port', 9125);
    config.set('statsd.port', 9125); // no change, no event
    config.set('otlp.headers', { authorization: 'Bearer x' }, { source: 'admin API' });
    config.set('otlp.headers', { authorization: 'Bearer x' }); // same pairs
    expect(message(() => config.set('otlp.endpoint', 'not a url'))).toBe(
      'Config key "otlp.endpoint" (from config.set): expected an absolute URL, got "not a url".',
    );
    expect(config.get('otlp.endpoint')).toBe('http://localhost:4318');
    expect(config.source('otlp.headers')).toBe('admin API');
    unbind();
    config.set('statsd.port', 9126);
    expect(seen).toEqual([
      { path: 'statsd.port', value: 9125, previous: 8125, source: 'config.set' },
      { path: 'otlp.headers', value: '[redacted]', previous: '[redacted]', source: 'admin API' },
    ]);
  });
});

describe('config.update and config.entries', () => {
  it('applies several keys at once, or none when one is invalid, and lists values with sources', () => {
    const t = createTelemetry();
    telemetries.push(t);
    const config = loadConfig({ env: { ISOTEL_STATSD_PORT: '9000' } });
    const paths: string[] = [];
    t.attach('watch', CONFIG_CHANGE_EVENT, (_n, _m, md) => paths.push(String(md.path)));
    config.bind(t);
    expect(
      message(() => config.update({ 'otlp.endpoint': 'http://b:4318', 'statsd.port': 0 }, { source: 'admin API' })),
    ).toBe('Config key "statsd.port" (from admin API): expected an integer in [1, 65535], got 0.');
    expect(message(() => config.update({ 'statsd.prot': 1 } as never))).toBe(
      'Unknown config key "statsd.prot" (from config.set).',
    );
    expect(config.get('otlp.endpoint')).toBe('http://localhost:4318');
    expect(paths).toEqual([]);
    config.update({ 'otlp.endpoint': 'http://b:4318', 'otlp.headers': { k: 'v' } }, { source: 'admin API' });
    expect(paths).toEqual(['otlp.endpoint', 'otlp.headers']);
    const entries = config.entries();
    expect(entries.find((e) => e.path === 'otlp.endpoint')).toEqual({
      path: 'otlp.endpoint',
      value: 'http://b:4318',
      source: 'admin API',
    });
    expect(entries.find((e) => e.path === 'otlp.headers')).toEqual({
      path: 'otlp.headers',
      value: '[redacted]',
      source: 'admin API',
    });
    expect(entries.find((e) => e.path === 'statsd.port')).toEqual({
      path: 'statsd.port',
      value: 9000,
      source: 'environment ISOTEL_STATSD_PORT',
    });
    expect(entries.map((e) => e.path).sort()).toEqual(Object.keys(SCHEMA).sort()); // every key of the schema
  });
});
