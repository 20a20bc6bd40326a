import { Buffer } from 'node:buffer';
import StatsD, { type StatsD as StatsdClient } from 'hot-shots';
import type { Telemetry } from '../../bus/telemetry.js';
import { IsotelError } from '../../errors/isotel-error.js';
import { logger } from '../../log/logger.js';
import type { MetricSeries, MetricsStats } from '../../metrics/attach-metrics.js';
import type { MetricDefinition } from '../../metrics/definitions.js';
import { switchableMetrics } from '../../metrics/switchable-metrics.js';
import { isTimeUnit } from '../../metrics/units.js';

/** Options of {@link statsdReporter}. */
export interface StatsdReporterOptions {
  /** @default '127.0.0.1' */
  host?: string;
  /** @default 8125 */
  port?: number;
  /** Prepended to every stat name. @default '' */
  prefix?: string;
  /** DogStatsD: `|#key:value` tags and `|d` distributions. Plain StatsD folds tag values into the name. @default true */
  dogstatsd?: boolean;
  /** Lines are packed into datagrams of at most this many bytes; a longer line is dropped and counted. @default 1432 (an Ethernet MTU minus IP/UDP headers) */
  maxBufferSize?: number;
  /** Milliseconds before a partly filled datagram is sent. @default 1000 */
  bufferFlushInterval?: number;
  /** Client-side sample rate in (0, 1] for metrics without their own. @default 1 */
  sampleRate?: number;
  /** Tags added to every line (DogStatsD). @default {} */
  globalTags?: Readonly<Record<string, string>>;
  /** Series per metric before the overflow series. @default 1000 */
  maxSeries?: number;
  /** Whether handlers are attached from the start. @default true */
  enabled?: boolean;
  /** Handler id prefix. @default 'isotel.statsd' */
  id?: string;
}

/** Counters of a StatsD reporter. */
export interface StatsdStats extends MetricsStats {
  /** Lines longer than `maxBufferSize`, dropped. */
  readonly oversized: number;
  /** Socket errors reported by the client. */
  readonly sendErrors: number;
}

/** A running StatsD reporter. Endpoint, buffer size and on/off change live. */
export interface StatsdReporter {
  setEnabled(enabled: boolean): void;
  readonly enabled: boolean;
  /** Sends to another agent from the next line on (buffered lines go to the old one first). */
  setEndpoint(endpoint: { host?: string; port?: number }): Promise<void>;
  /** Changes the datagram size limit from the next line on. */
  setMaxBufferSize(bytes: number): Promise<void>;
  /** Sends any buffered lines now. */
  flush(): Promise<void>;
  stats(): StatsdStats;
  /** Detaches, flushes and closes the socket. Also runs at `t.shutdown()`. */
  close(): Promise<void>;
}

type Settings = Required<Omit<StatsdReporterOptions, 'enabled' | 'id' | 'maxSeries'>>;

/**
 * Sends metrics to a StatsD or DogStatsD agent over UDP (hot-shots). Mapping: counter → `|c` of 1,
 * sum → `|c` of the value, lastValue → `|g`, summary → `|ms` for times else `|h`, distribution →
 * `|d` (DogStatsD) or like a summary (plain StatsD).
 *
 * @example statsdReporter(t, [counter('http.request.stop.duration', { tags: ['route'] })], { port: 8125 })
 */
export function statsdReporter(
  t: Telemetry,
  definitions: readonly MetricDefinition[],
  options: StatsdReporterOptions = {},
): StatsdReporter {
  const settings: Settings = {
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 8125,
    prefix: options.prefix ?? '',
    dogstatsd: options.dogstatsd ?? true,
    maxBufferSize: options.maxBufferSize ?? 1432,
    bufferFlushInterval: options.bufferFlushInterval ?? 1000,
    sampleRate: options.sampleRate ?? 1,
    globalTags: options.globalTags ?? {},
  };
  validate(settings);
  const globalTagsLength = Object.entries(settings.globalTags).reduce((n, [k, v]) => n + k.length + v.length + 2, 0);
  let oversized = 0;
  let sendErrors = 0;
  const connect = () =>
    new StatsD({
      host: settings.host,
      port: settings.port,
      prefix: settings.prefix,
      protocol: 'udp',
      maxBufferSize: settings.maxBufferSize,
      bufferFlushInterval: settings.bufferFlushInterval,
      globalTags: { ...settings.globalTags },
      telegraf: false,
      errorHandler: (error) => {
        // a missing agent fails every send: log the first failure and then every 1000th
        if (sendErrors++ % 1000 === 0) logger().warn(`StatsD send failed (${sendErrors} so far).`, error);
      },
    });
  let client = connect();

  const sink = {
    record(def: MetricDefinition, _index: number, value: number, series: MetricSeries) {
      let stat = def.name;
      let tags: string[] | undefined;
      if (def.tags.length > 0) {
        // per series, the DogStatsD tags or the plain StatsD name, made once
        let cached = series.data as { dog: boolean; tags: string[]; stat: string } | undefined;
        if (cached === undefined || cached.dog !== settings.dogstatsd) {
          cached = {
            dog: settings.dogstatsd,
            tags: def.tags.map((tag, i) => `${tag}:${series.tags[i]}`),
            stat: `${def.name}.${series.tags.map((v) => v.replace(/[.:|@#\s]/g, '_')).join('.')}`,
          };
          series.data = cached;
        }
        if (settings.dogstatsd) tags = cached.tags;
        else stat = cached.stat;
      }
      const type = statType(def, settings.dogstatsd);
      const rate = def.reporterOptions.sampleRate ?? settings.sampleRate;
      // the line hot-shots will write: prefix+stat:value|type[|@rate][|#tags]
      let length = settings.prefix.length + stat.length + String(value).length + type.length + 2;
      if (rate < 1) length += String(rate).length + 2;
      if (tags !== undefined || globalTagsLength > 0) {
        length += 2 + globalTagsLength;
        if (tags !== undefined) for (const tag of tags) length += Buffer.byteLength(tag) + 1;
      }
      if (length > settings.maxBufferSize) {
        oversized++;
        return;
      }
      switch (type) {
        case 'c':
          client.increment(stat, value, rate, tags ?? []);
          break;
        case 'g':
          client.gauge(stat, value, rate, tags ?? []);
          break;
        case 'ms':
          client.timing(stat, value, rate, tags ?? []);
          break;
        case 'h':
          client.histogram(stat, value, rate, tags ?? []);
          break;
        default:
          client.distribution(stat, value, rate, tags ?? []);
      }
    },
  };

  const id = options.id ?? 'isotel.statsd';
  const handlers = switchableMetrics(t, id, definitions, sink, {
    enabled: options.enabled ?? true,
    maxSeries: options.maxSeries,
  });
  let closed = false;

  const closeClient = (c: StatsdClient) => new Promise<void>((resolve) => c.close(() => resolve()));
  const reconnect = async (change: Partial<Settings>) => {
    const next = { ...settings, ...change };
    validate(next);
    Object.assign(settings, next);
    const old = client;
    client = connect();
    await closeClient(old);
  };
  const close = async () => {
    if (closed) return;
    handlers.close();
    closed = true;
    unregister();
    await closeClient(client);
  };
  const unregister = t.onShutdown(close);

  return {
    setEnabled: handlers.setEnabled,
    get enabled() {
      return handlers.enabled;
    },
    setEndpoint: (endpoint) => reconnect(pick(endpoint)),
    setMaxBufferSize: (bytes) => reconnect({ maxBufferSize: bytes }),
    flush: () =>
      new Promise<void>((resolve) => {
        (client as unknown as { flushQueue(cb: () => void): void }).flushQueue(() => resolve());
      }),
    stats() {
      return { ...handlers.stats(), oversized, sendErrors };
    },
    close,
  };
}

function statType(def: MetricDefinition, dogstatsd: boolean): 'c' | 'g' | 'ms' | 'h' | 'd' {
  switch (def.type) {
    case 'counter':
    case 'sum':
      return 'c';
    case 'lastValue':
      return 'g';
    case 'distribution':
      if (dogstatsd) return 'd';
      return isTimeUnit(def.unit) || def.unit === undefined ? 'ms' : 'h';
    default:
      return isTimeUnit(def.unit) || def.unit === undefined ? 'ms' : 'h';
  }
}

function pick(endpoint: { host?: string; port?: number }): Partial<Settings> {
  const out: Partial<Settings> = {};
  if (endpoint.host !== undefined) out.host = endpoint.host;
  if (endpoint.port !== undefined) out.port = endpoint.port;
  return out;
}

function validate(s: Settings): void {
  const bad = (key: string, value: unknown, rule: string) => {
    throw new IsotelError('invalid_argument', `StatsD ${key} ${rule}, got ${JSON.stringify(value)}.`);
  };
  if (typeof s.host !== 'string' || s.host.length === 0) bad('host', s.host, 'must be a non-empty string');
  if (!Number.isInteger(s.port) || s.port < 1 || s.port > 65535)
    bad('port', s.port, 'must be an integer in [1, 65535]');
  if (!Number.isInteger(s.maxBufferSize) || s.maxBufferSize < 64)
    bad('maxBufferSize', s.maxBufferSize, 'must be an integer ≥ 64');
  if (!(s.sampleRate > 0 && s.sampleRate <= 1)) bad('sampleRate', s.sampleRate, 'must be in (0, 1]');
}
