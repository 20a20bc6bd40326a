// The configuration keys isotel knows, their types, bounds and defaults. One table drives
// defaults, environment names, validation and error messages.

/** The resolved configuration. */
export interface IsotelConfig {
  /** Master switch for reporters and pollers. */
  enabled: boolean;
  /** The service's name, for the application to hand its exporters and SDKs (`OTEL_SERVICE_NAME`). */
  serviceName: string;
  metrics: { maxSeries: number };
  prometheus: { enabled: boolean; host: string; port: number; path: string; prefix: string };
  statsd: { enabled: boolean; host: string; port: number; prefix: string; maxBufferSize: number; sampleRate: number };
  otlp: { enabled: boolean; endpoint: string };
  exporter: { endpoint: string; batchSize: number; flushIntervalMs: number };
  runtime: { enabled: boolean; intervalMs: number };
}

/** Every key as a dotted path (`statsd.port`). */
export type ConfigPath =
  | 'enabled'
  | 'serviceName'
  | `metrics.${keyof IsotelConfig['metrics']}`
  | `prometheus.${keyof IsotelConfig['prometheus']}`
  | `statsd.${keyof IsotelConfig['statsd']}`
  | `otlp.${keyof IsotelConfig['otlp']}`
  | `exporter.${keyof IsotelConfig['exporter']}`
  | `runtime.${keyof IsotelConfig['runtime']}`;

/** The value type at a path. */
export type ConfigValue<P extends ConfigPath> = P extends `${infer S}.${infer K}`
  ? S extends keyof IsotelConfig
    ? K extends keyof IsotelConfig[S]
      ? IsotelConfig[S][K]
      : never
    : never
  : P extends keyof IsotelConfig
    ? IsotelConfig[P]
    : never;

/** A partial configuration, as a file or explicit options give it. */
export type IsotelConfigInput = {
  [K in keyof IsotelConfig]?: IsotelConfig[K] extends object ? Partial<IsotelConfig[K]> : IsotelConfig[K];
};

export interface KeySpec {
  readonly type: 'boolean' | 'string' | 'integer' | 'number' | 'url';
  readonly min?: number;
  readonly max?: number;
  readonly default: boolean | string | number;
  /** Other environment variables read for this key, lower precedence than `ISOTEL_*`. */
  readonly aliases?: readonly string[];
}

const port = (d: number): KeySpec => ({ type: 'integer', min: 0, max: 65535, default: d });

export const SCHEMA: Readonly<Record<ConfigPath, KeySpec>> = {
  enabled: { type: 'boolean', default: true },
  serviceName: { type: 'string', default: 'unknown_service', aliases: ['OTEL_SERVICE_NAME'] },
  'metrics.maxSeries': { type: 'integer', min: 1, max: 1_000_000, default: 1000 },
  'prometheus.enabled': { type: 'boolean', default: true },
  'prometheus.host': { type: 'string', default: '127.0.0.1' },
  'prometheus.port': port(9464),
  'prometheus.path': { type: 'string', default: '/metrics' },
  'prometheus.prefix': { type: 'string', default: '' },
  'statsd.enabled': { type: 'boolean', default: false },
  'statsd.host': { type: 'string', default: '127.0.0.1' },
  'statsd.port': { type: 'integer', min: 1, max: 65535, default: 8125 },
  'statsd.prefix': { type: 'string', default: '' },
  'statsd.maxBufferSize': { type: 'integer', min: 64, max: 65_000, default: 1432 },
  'statsd.sampleRate': { type: 'number', min: Number.MIN_VALUE, max: 1, default: 1 },
  'otlp.enabled': { type: 'boolean', default: false },
  'otlp.endpoint': { type: 'url', default: 'http://localhost:4318', aliases: ['OTEL_EXPORTER_OTLP_ENDPOINT'] },
  'exporter.endpoint': { type: 'url', default: 'http://localhost:4318' },
  'exporter.batchSize': { type: 'integer', min: 1, max: 10_000, default: 100 },
  'exporter.flushIntervalMs': { type: 'integer', min: 100, max: 3_600_000, default: 5000 },
  'runtime.enabled': { type: 'boolean', default: false },
  'runtime.intervalMs': { type: 'integer', min: 100, max: 3_600_000, default: 10_000 },
};

/** `statsd.maxBufferSize` → `ISOTEL_STATSD_MAX_BUFFER_SIZE`. */
export function envName(path: string): string {
  return `ISOTEL_${path
    .replace(/\./g, '_')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toUpperCase()}`;
}

/** Checks and coerces one value; returns an error message or the value. */
export function coerce(
  spec: KeySpec,
  raw: unknown,
  fromText: boolean,
): { ok: true; value: boolean | string | number } | { ok: false; why: string } {
  const shown = JSON.stringify(raw);
  switch (spec.type) {
    case 'boolean': {
      if (typeof raw === 'boolean') return { ok: true, value: raw };
      if (fromText && typeof raw === 'string') {
        const s = raw.trim().toLowerCase();
        if (['1', 'true', 'yes', 'on'].includes(s)) return { ok: true, value: true };
        if (['0', 'false', 'no', 'off'].includes(s)) return { ok: true, value: false };
      }
      return { ok: false, why: `expected a boolean${fromText ? ' (true/false/1/0)' : ''}, got ${shown}` };
    }
    case 'string':
      return typeof raw === 'string' ? { ok: true, value: raw } : { ok: false, why: `expected a string, got ${shown}` };
    case 'url': {
      if (typeof raw === 'string' && URL.canParse(raw)) return { ok: true, value: raw };
      return { ok: false, why: `expected an absolute URL, got ${shown}` };
    }
    default: {
      const n = fromText && typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
      const integer = spec.type === 'integer';
      const range = `in [${spec.min ?? '-∞'}, ${spec.max ?? '∞'}]`;
      if (typeof n !== 'number' || !Number.isFinite(n) || (integer && !Number.isInteger(n))) {
        return { ok: false, why: `expected ${integer ? 'an integer' : 'a number'} ${range}, got ${shown}` };
      }
      if ((spec.min !== undefined && n < spec.min) || (spec.max !== undefined && n > spec.max)) {
        return { ok: false, why: `expected ${integer ? 'an integer' : 'a number'} ${range}, got ${shown}` };
      }
      return { ok: true, value: n };
    }
  }
}
