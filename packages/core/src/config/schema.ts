// The configuration keys isotel knows, their types, bounds and defaults. One table drives
// defaults, environment names, validation and error messages.

/** The resolved configuration. */
export interface IsotelConfig {
  /** Master switch for reporters and pollers. */
  enabled: boolean;
  /** The service's name: `service.name` of the OpenTelemetry resource (`OTEL_SERVICE_NAME`). */
  serviceName: string;
  /** More OpenTelemetry resource attributes (`OTEL_RESOURCE_ATTRIBUTES`); `serviceName` wins for `service.name`. */
  resourceAttributes: Readonly<Record<string, string>>;
  metrics: { maxSeries: number };
  prometheus: { enabled: boolean; host: string; port: number; path: string; prefix: string };
  statsd: { enabled: boolean; host: string; port: number; prefix: string; maxBufferSize: number; sampleRate: number };
  otlp: {
    enabled: boolean;
    /** Base URL; each signal is sent to `<endpoint>/v1/traces|metrics|logs` unless its own endpoint is set. */
    endpoint: string;
    /** Full URLs, used as they are; `''` derives them from `endpoint`. */
    tracesEndpoint: string;
    metricsEndpoint: string;
    logsEndpoint: string;
    /** HTTP headers sent with every export (`OTEL_EXPORTER_OTLP_HEADERS`). Secret: shown redacted in change events. */
    headers: Readonly<Record<string, string>>;
    /** The OTLP/HTTP encoding (`OTEL_EXPORTER_OTLP_PROTOCOL`); gRPC is not offered. */
    protocol: 'http/json' | 'http/protobuf';
  };
  /** The browser exporter (`applyExporterConfig`). */
  exporter: { enabled: boolean; endpoint: string; batchSize: number; flushIntervalMs: number };
  runtime: { enabled: boolean; intervalMs: number };
  /** Where a collector keeps its shared state (`collectorStoreFromConfig` in `@isotel/core/redis`). */
  collector: {
    /** `memory` (one process) or `redis` (several collectors sharing `redisUrl`). */
    store: string;
    redisUrl: string;
  };
}

/** Every key as a dotted path (`statsd.port`). */
export type ConfigPath =
  | 'enabled'
  | 'serviceName'
  | 'resourceAttributes'
  | `metrics.${keyof IsotelConfig['metrics']}`
  | `prometheus.${keyof IsotelConfig['prometheus']}`
  | `statsd.${keyof IsotelConfig['statsd']}`
  | `otlp.${keyof IsotelConfig['otlp']}`
  | `exporter.${keyof IsotelConfig['exporter']}`
  | `runtime.${keyof IsotelConfig['runtime']}`
  | `collector.${keyof IsotelConfig['collector']}`;

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

/** A value the configuration holds. */
export type ConfigScalar = boolean | string | number | Readonly<Record<string, string>>;

/** Another environment variable read for a key: its name, and how its text maps to the key (none: as is). */
export type EnvAlias = string | { readonly name: string; readonly read: (text: string) => string | undefined };

export interface KeySpec {
  /** `url?`: an absolute URL or `''` (unset); `attributes`: string pairs, `k=v,k2=v2` as text. */
  readonly type: 'boolean' | 'string' | 'integer' | 'number' | 'url' | 'url?' | 'attributes';
  /** For a string: the values it may take. */
  readonly oneOf?: readonly string[];
  readonly min?: number;
  readonly max?: number;
  readonly default: ConfigScalar;
  /** Other environment variables read for this key, lower precedence than `ISOTEL_*`, in rising order. */
  readonly aliases?: readonly EnvAlias[];
  /** Shown as `[redacted]` where changes are reported. */
  readonly secret?: boolean;
}

const EMPTY: Readonly<Record<string, string>> = Object.freeze({});

const port = (d: number): KeySpec => ({ type: 'integer', min: 0, max: 65535, default: d });

export const SCHEMA: Readonly<Record<ConfigPath, KeySpec>> = {
  enabled: { type: 'boolean', default: true },
  serviceName: {
    type: 'string',
    default: 'unknown_service',
    aliases: [{ name: 'OTEL_RESOURCE_ATTRIBUTES', read: serviceNameOf }, 'OTEL_SERVICE_NAME'],
  },
  resourceAttributes: { type: 'attributes', default: EMPTY, aliases: ['OTEL_RESOURCE_ATTRIBUTES'] },
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
  // OTEL_SDK_DISABLED=true turns export off; any other value leaves the key alone (the spec's booleans)
  'otlp.enabled': {
    type: 'boolean',
    default: false,
    aliases: [
      { name: 'OTEL_SDK_DISABLED', read: (text) => (text.trim().toLowerCase() === 'true' ? 'false' : undefined) },
    ],
  },
  'otlp.endpoint': { type: 'url', default: 'http://localhost:4318', aliases: ['OTEL_EXPORTER_OTLP_ENDPOINT'] },
  'otlp.tracesEndpoint': { type: 'url?', default: '', aliases: ['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'] },
  'otlp.metricsEndpoint': { type: 'url?', default: '', aliases: ['OTEL_EXPORTER_OTLP_METRICS_ENDPOINT'] },
  'otlp.logsEndpoint': { type: 'url?', default: '', aliases: ['OTEL_EXPORTER_OTLP_LOGS_ENDPOINT'] },
  'otlp.headers': { type: 'attributes', default: EMPTY, aliases: ['OTEL_EXPORTER_OTLP_HEADERS'], secret: true },
  'otlp.protocol': {
    type: 'string',
    oneOf: ['http/json', 'http/protobuf'],
    default: 'http/json',
    aliases: ['OTEL_EXPORTER_OTLP_PROTOCOL'],
  },
  'exporter.enabled': { type: 'boolean', default: true },
  'exporter.endpoint': { type: 'url', default: 'http://localhost:4318' },
  'exporter.batchSize': { type: 'integer', min: 1, max: 10_000, default: 100 },
  'exporter.flushIntervalMs': { type: 'integer', min: 100, max: 3_600_000, default: 5000 },
  'runtime.enabled': { type: 'boolean', default: false },
  'runtime.intervalMs': { type: 'integer', min: 100, max: 3_600_000, default: 10_000 },
  // checked against memory|redis where it is read (collectorStoreFromConfig)
  'collector.store': { type: 'string', default: 'memory' },
  'collector.redisUrl': { type: 'url', default: 'redis://127.0.0.1:6379' },
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
): { ok: true; value: ConfigScalar } | { ok: false; why: string } {
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
      if (typeof raw !== 'string') return { ok: false, why: `expected a string, got ${shown}` };
      if (spec.oneOf !== undefined && !spec.oneOf.includes(raw)) {
        return {
          ok: false,
          why: `expected one of ${spec.oneOf.map((v) => JSON.stringify(v)).join(', ')}, got ${shown}`,
        };
      }
      return { ok: true, value: raw };
    case 'url': {
      if (typeof raw === 'string' && URL.canParse(raw)) return { ok: true, value: raw };
      return { ok: false, why: `expected an absolute URL, got ${shown}` };
    }
    case 'url?': {
      if (raw === '' || (typeof raw === 'string' && URL.canParse(raw))) return { ok: true, value: raw };
      return { ok: false, why: `expected an absolute URL or "", got ${shown}` };
    }
    case 'attributes':
      return fromText && typeof raw === 'string' ? parsePairs(raw) : pairsOf(raw, shown);
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

/** Whether two configuration values are the same (pairs compared by content). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => (a as Record<string, unknown>)[k] === (b as Record<string, unknown>)[k]);
}

// `k1=v1,k2=v2` as OTEL_RESOURCE_ATTRIBUTES and OTEL_EXPORTER_OTLP_HEADERS write it (W3C baggage
// style: entries separated by commas, values percent-encoded, blanks around them ignored).
function parsePairs(text: string): { ok: true; value: Readonly<Record<string, string>> } | { ok: false; why: string } {
  const out: Record<string, string> = {};
  for (const entry of text.split(',')) {
    if (entry.trim() === '') continue;
    const eq = entry.indexOf('=');
    const key = eq < 0 ? '' : entry.slice(0, eq).trim();
    if (key === '')
      return { ok: false, why: `expected key=value pairs separated by commas, got ${JSON.stringify(entry)}` };
    try {
      out[key] = decodeURIComponent(entry.slice(eq + 1).trim());
    } catch {
      return { ok: false, why: `the value of "${key}" is not valid percent-encoding` };
    }
  }
  return { ok: true, value: Object.freeze(out) };
}

function pairsOf(
  raw: unknown,
  shown: string,
): { ok: true; value: Readonly<Record<string, string>> } | { ok: false; why: string } {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return { ok: false, why: `expected an object of strings, got ${shown}` };
  }
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (typeof value !== 'string')
      return { ok: false, why: `expected a string at "${key}", got ${JSON.stringify(value)}` };
    out[key] = value;
  }
  return { ok: true, value: Object.freeze(out) };
}

function serviceNameOf(text: string): string | undefined {
  const pairs = parsePairs(text);
  return pairs.ok ? pairs.value['service.name'] : undefined;
}
