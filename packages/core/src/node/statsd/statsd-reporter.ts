import { Buffer } from 'node:buffer';
import StatsD, { type StatsD as StatsdClient } from 'hot-shots';
import type { Telemetry } from '../../bus/telemetry.js';
import { IsotelError } from '../../errors/isotel-error.js';
import { logger } from '../../log/logger.js';
import type { MetricSeries, MetricsStats } from '../../metrics/attach-metrics.js';
import { type MetricDefinition, validateDefinitions } from '../../metrics/definitions.js';
import { switchableMetrics } from '../../metrics/switchable-metrics.js';
import { convert, isTimeUnit, type UnitRatio, unitRatio } from '../../metrics/units.js';

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
  /** Lines are packed into datagrams of at most this many bytes (UTF-8, the whole line as sent); a longer line is dropped and counted. @default 1432 (an Ethernet MTU minus IP/UDP headers) */
  maxBufferSize?: number;
  /** Milliseconds before a partly filled datagram is sent. @default 1000 */
  bufferFlushInterval?: number;
  /** Client-side sample rate in (0, 1] for metrics without their own. @default 1 */
  sampleRate?: number;
  /** Tags added to every line in DogStatsD mode (a series tag of the same key wins); plain StatsD sends no tags. @default {} */
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
 * sum → `|c` of the value, lastValue → `|g`, summary → `|ms` for times else `|h` (DogStatsD) or
 * `|ms` (plain StatsD), distribution → `|d` (DogStatsD) or `|ms` (plain StatsD). `|ms` values are
 * always milliseconds, converted back from the metric's time unit. Timing, histogram and
 * distribution lines of events kept by sampling carry `|@rate`. Plain StatsD sends no tags and a
 * negative gauge as `0|g` then the value.
 *
 * @example statsdReporter(t, [counter('http.request.stop.duration', { tags: ['route'] })], { port: 8125 })
 */
export function statsdReporter(
  t: Telemetry,
  definitions: readonly MetricDefinition[],
  options: StatsdReporterOptions = {},
): StatsdReporter {
  // before the socket is opened: a refused reporter leaves nothing behind
  validateDefinitions(definitions);
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
  let oversized = 0;
  let sendErrors = 0;
  // isotel writes every line itself, so it can count its exact UTF-8 size: hot-shots only buffers
  // and sends. Its own additions are switched off (global tags from DD_* variables, client
  // telemetry datagrams, and in plain mode every DogStatsD feature); what remains in DogStatsD
  // mode (container id fields) is read from the client and counted too.
  const connect = () =>
    new StatsD({
      host: settings.host,
      port: settings.port,
      protocol: 'udp',
      maxBufferSize: settings.maxBufferSize,
      bufferFlushInterval: settings.bufferFlushInterval,
      telegraf: false,
      // DogStatsD: hot-shots' own detection (DD_* variables) decides on container id fields
      ...(settings.dogstatsd ? {} : { datadog: false }),
      includeDataDogTags: false,
      includeDatadogTelemetry: false,
      errorHandler: (error) => {
        // a missing agent fails every send: log the first failure and then every 1000th
        if (sendErrors++ % 1000 === 0) logger().warn(`StatsD send failed (${sendErrors} so far).`, error);
      },
    });
  let client = connect();
  // bytes hot-shots appends to each line (`|c:<container id>` ...), and the prefix and global tags
  let extensionBytes = 0;
  let prefix = '';
  let globalTags: readonly string[] = [];
  const prepare = () => {
    const fields =
      (client as unknown as { getDatadogExtensionFields?(): string[] }).getDatadogExtensionFields?.() ?? [];
    extensionBytes = fields.length === 0 ? 0 : Buffer.byteLength(`|${fields.join('|')}`);
    prefix = settings.prefix.length > 0 && !settings.prefix.endsWith('.') ? `${settings.prefix}.` : settings.prefix;
    prefix = statName(prefix);
    globalTags = settings.dogstatsd ? formatGlobalTags(settings.globalTags) : [];
  };
  prepare();
  const send = (line: string): boolean => {
    if (Buffer.byteLength(line) + extensionBytes > settings.maxBufferSize) {
      oversized++;
      return false;
    }
    (client as unknown as { send(message: string): void }).send(line);
    return true;
  };

  const sink = {
    record(
      def: MetricDefinition,
      _index: number,
      value: number,
      series: MetricSeries,
      weight: number,
    ): string | undefined {
      // per series, the DogStatsD tag suffix or the plain StatsD name, made once
      let cached = series.data as
        | { dog: boolean; tags: readonly string[]; stat: string; global: unknown; ms: UnitRatio | undefined }
        | undefined;
      if (cached === undefined || cached.dog !== settings.dogstatsd || cached.global !== globalTags) {
        const own = def.tags.map((tag, i) => `${tagKey(tag)}:${tagValue(series.tags[i] as string)}`);
        cached = {
          // a timing is in milliseconds: the ratio from the metric's time unit, if it has one
          ms: isTimeUnit(def.unit) ? unitRatio(def.unit as string, 'millisecond') : undefined,
          dog: settings.dogstatsd,
          global: globalTags,
          tags: settings.dogstatsd ? mergeTags(globalTags, own) : [],
          stat:
            def.tags.length === 0 || settings.dogstatsd
              ? statName(def.name)
              : statName(`${def.name}.${series.tags.map((v) => v.replace(/[.:|@#\s]/g, '_')).join('.')}`),
        };
        series.data = cached;
      }
      const type = statType(def, settings.dogstatsd);
      // etsy StatsD refuses a negative timing (`Bad line`) and other plain daemons mangle it
      if (type === 'ms' && value < 0 && !settings.dogstatsd) return 'negative_timing';
      let rate = def.reporterOptions.sampleRate ?? settings.sampleRate;
      if (rate < 1 && !(Math.random() < rate)) return undefined;
      // an event kept by sampling stands for `weight` events: counters already carry it in their
      // value, other lines say it with |@rate so the agent scales the timer's count
      if (type !== 'c' && type !== 'g' && weight > 1) rate = Number((rate / weight).toPrecision(6));
      if (type === 'ms' && cached.ms !== undefined) value = convert(value, cached.ms);
      const tail = `${rate < 1 ? `|@${rate}` : ''}${cached.tags.length > 0 ? `|#${cached.tags.join(',')}` : ''}`;
      const head = `${prefix}${cached.stat}:`;
      // plain StatsD reads a signed gauge as a change: set 0 first so a negative value is a value
      if (type === 'g' && value < 0 && !settings.dogstatsd && !send(`${head}0|g${tail}`)) return undefined;
      send(`${head}${value}|${type}${tail}`);
      return undefined;
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
    prepare();
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

/**
 * DogStatsD: counter and sum `|c`, lastValue `|g`, summary `|ms` for times else `|h`, distribution
 * `|d`. Plain StatsD has neither `|h` nor `|d` (etsy statsd counts an unknown type as a counter):
 * summaries and distributions are timers, `|ms`, whatever their unit.
 */
function statType(def: MetricDefinition, dogstatsd: boolean): 'c' | 'g' | 'ms' | 'h' | 'd' {
  switch (def.type) {
    case 'counter':
    case 'sum':
      return 'c';
    case 'lastValue':
      return 'g';
    default:
      if (dogstatsd && def.type === 'distribution') return 'd';
      if (!dogstatsd || isTimeUnit(def.unit) || def.unit === undefined) return 'ms';
      return 'h';
  }
}

function statName(name: string): string {
  return name.replace(/[:|\n\r]/g, '_');
}

function tagKey(key: string): string {
  return key.replace(/[:|@,#\n\r]/g, '_');
}

function tagValue(value: string): string {
  return value.replace(/[|@,#\n\r]/g, '_');
}

function formatGlobalTags(tags: Readonly<Record<string, string>>): string[] {
  return Object.entries(tags).map(([k, v]) => `${tagKey(k)}:${tagValue(String(v))}`);
}

/** Global tags, less those a series tag of the same key replaces, then the series tags. */
function mergeTags(global: readonly string[], own: readonly string[]): readonly string[] {
  if (global.length === 0) return own;
  if (own.length === 0) return global;
  const keys = new Set(own.map((tag) => tag.slice(0, tag.indexOf(':'))));
  return [...global.filter((tag) => !keys.has(tag.slice(0, tag.indexOf(':')))), ...own];
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
