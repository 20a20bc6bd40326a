import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { messageOf } from '../errors/errors.test-kit.js';
import { isIsotelError } from '../errors/isotel-error.js';
import { loadConfig } from './config.js';
import { loadConfigFile } from './load-config-file.js';
import { envName } from './schema.js';

const message = (fn: () => unknown): string => messageOf(fn, 'invalid_config');

describe('loadConfig', () => {
  it('resolves defaults < environment < config file < explicit options', () => {
    const config = loadConfig({
      env: { ISOTEL_STATSD_PORT: '9000', ISOTEL_STATSD_HOST: 'env-host', ISOTEL_PROMETHEUS_PORT: '9100' },
      file: { path: 'isotel.json', contents: '{"statsd": {"port": 9001, "prefix": "file."}}' },
      options: { statsd: { prefix: 'opt.' } },
    });
    expect(config.get('statsd.maxBufferSize')).toBe(1432);
    expect(config.source('statsd.maxBufferSize')).toBe('defaults');
    expect(config.get('statsd.host')).toBe('env-host');
    expect(config.source('statsd.host')).toBe('environment ISOTEL_STATSD_HOST');
    expect(config.get('prometheus.port')).toBe(9100);
    expect(config.get('statsd.port')).toBe(9001);
    expect(config.source('statsd.port')).toBe('config file isotel.json');
    expect(config.get('statsd.prefix')).toBe('opt.');
    expect(config.get().statsd).toMatchObject({ host: 'env-host', port: 9001, prefix: 'opt.' });
  });

  it('reads OTEL_SERVICE_NAME and OTEL_EXPORTER_OTLP_ENDPOINT below their ISOTEL_ twins', () => {
    const otel = loadConfig({ env: { OTEL_SERVICE_NAME: 'shop', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel:4318' } });
    expect(otel.get('serviceName')).toBe('shop');
    expect(otel.get('otlp.endpoint')).toBe('http://otel:4318');
    const both = loadConfig({ env: { OTEL_SERVICE_NAME: 'shop', ISOTEL_SERVICE_NAME: 'shop-api' } });
    expect(both.get('serviceName')).toBe('shop-api');
  });

  it('coerces environment text and names the key and the source of a bad value', () => {
    expect(
      loadConfig({ env: { ISOTEL_STATSD_ENABLED: 'yes', ISOTEL_STATSD_SAMPLE_RATE: '0.25' } }).get().statsd,
    ).toMatchObject({
      enabled: true,
      sampleRate: 0.25,
    });
    expect(message(() => loadConfig({ env: { ISOTEL_PROMETHEUS_PORT: 'http' } }))).toBe(
      'Config key "prometheus.port" (from environment ISOTEL_PROMETHEUS_PORT): expected an integer in [0, 65535], got "http".',
    );
    expect(
      message(() => loadConfig({ file: { path: '/etc/isotel.json', contents: { statsd: { port: 0 } } } })),
    ).toContain('"statsd.port" (from config file /etc/isotel.json)');
    expect(message(() => loadConfig({ options: { enabled: 'no' as unknown as boolean } }))).toContain(
      '"enabled" (from options): expected a boolean',
    );
    expect(message(() => loadConfig({ options: { statsd: { prot: 1 } as never } }))).toBe(
      'Unknown config key "statsd.prot" (from options).',
    );
    expect(message(() => loadConfig({ file: { path: 'x.json', contents: '{oops' } }))).toMatch(
      /^Config file x\.json is not valid JSON: ./,
    );
  });

  it('reads the JSON file layer from disk in Node', () => {
    const dir = mkdtempSync(join(tmpdir(), 'isotel-config-'));
    try {
      const path = join(dir, 'isotel.json');
      writeFileSync(path, JSON.stringify({ serviceName: 'from-file', runtime: { intervalMs: 500 } }));
      const config = loadConfigFile(path, { env: {} });
      expect(config.get('serviceName')).toBe('from-file');
      expect(config.get('runtime.intervalMs')).toBe(500);
      expect(message(() => loadConfigFile(join(dir, 'missing.json')))).toContain('cannot be read');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('derives environment names from paths', () => {
    expect(envName('statsd.maxBufferSize')).toBe('ISOTEL_STATSD_MAX_BUFFER_SIZE');
    expect(envName('serviceName')).toBe('ISOTEL_SERVICE_NAME');
  });
});

describe('config.set and config.subscribe', () => {
  it('notifies subscribers whose pattern matches the changed path, only on real changes', () => {
    const config = loadConfig({ env: {} });
    const seen: string[] = [];
    const off = config.subscribe('statsd.*', (value, path) => seen.push(`${path}=${String(value)}`));
    config.subscribe('**', (_v, path, all) => seen.push(`all:${path}:${all.statsd.port}`));
    config.set('statsd.port', 9125);
    config.set('statsd.port', 9125);
    config.set('prometheus.port', 1);
    off();
    config.set('statsd.host', 'agent');
    expect(seen).toEqual([
      'statsd.port=9125',
      'all:statsd.port:9125',
      'all:prometheus.port:9125',
      'all:statsd.host:9125',
    ]);
    expect(config.source('statsd.port')).toBe('config.set');
  });

  it('rejects an invalid value and keeps the previous one in force', () => {
    const config = loadConfig({ env: {} });
    expect(message(() => config.set('statsd.maxBufferSize', 10))).toContain('"statsd.maxBufferSize" (from config.set)');
    expect(config.get('statsd.maxBufferSize')).toBe(1432);
  });

  it('either accepts an integer port or rejects it with invalid_config, for any number', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: -10, max: 70_000 }), fc.double()), (n) => {
        const config = loadConfig({ env: {} });
        try {
          config.set('prometheus.port', n);
          expect(Number.isInteger(n) && n >= 0 && n <= 65535).toBe(true);
          expect(config.get('prometheus.port')).toBe(n);
        } catch (error) {
          expect(isIsotelError(error, 'invalid_config')).toBe(true);
          expect(config.get('prometheus.port')).toBe(9464);
        }
      }),
    );
  });
});
