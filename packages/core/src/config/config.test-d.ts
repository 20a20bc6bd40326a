import { expectTypeOf } from 'vitest';
import { loadConfig } from './config.js';
import type { IsotelConfig } from './schema.js';

const config = loadConfig({ env: {} });
expectTypeOf(config.get('statsd.port')).toEqualTypeOf<number>();
expectTypeOf(config.get('prometheus.enabled')).toEqualTypeOf<boolean>();
expectTypeOf(config.get('serviceName')).toEqualTypeOf<string>();
expectTypeOf(config.get()).toEqualTypeOf<IsotelConfig>();
expectTypeOf(config.get('otlp.headers')).toEqualTypeOf<Readonly<Record<string, string>>>();
expectTypeOf(config.get('otlp.logsEndpoint')).toEqualTypeOf<string>();
config.set('resourceAttributes', { 'deployment.environment': 'prod' }, { source: 'admin API' });
loadConfig({ file: { path: 'isotel.yaml', contents: 'serviceName: shop', format: 'yaml' } });
// @ts-expect-error headers are string pairs
config.set('otlp.headers', 'authorization=x');
config.set('statsd.maxBufferSize', 512);
// @ts-expect-error a port is a number
config.set('statsd.port', '8125');
// @ts-expect-error unknown key
config.get('statsd.prot');
// @ts-expect-error unknown key in options
loadConfig({ options: { statsd: { prot: 1 } } });
