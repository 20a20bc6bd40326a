import type { Meter } from '@opentelemetry/api';
import type { Telemetry } from '../bus/telemetry.js';
import type { Config } from '../config/config.js';
import { IsotelError } from '../errors/isotel-error.js';
import { logger } from '../log/logger.js';
import type { MetricsBinding } from '../metrics/attach-metrics.js';
import type { MetricDefinition } from '../metrics/definitions.js';
import { VERSION } from '../version.js';
import { bridgeLogs, type LogBridge } from './log-bridge.js';
import { bridgeMetrics } from './metric-bridge.js';
import { bridgeSpans, type SpanBridge } from './span-bridge.js';
import {
  counted,
  ExportCounter,
  type OtlpSignalStatus,
  SwitchingLogRecordProcessor,
  SwitchingMetricExporter,
  SwitchingSpanProcessor,
} from './switching-export.js';

/** Options of {@link applyOtlpConfig}. */
export interface OtlpConfigOptions {
  /** Metric definitions exported as OpenTelemetry metrics; without them no metrics are exported. @default [] */
  metrics?: readonly MetricDefinition[];
  /** Span prefixes exported as traces (see {@link bridgeSpans}). @default ['**'] */
  spanPrefixes?: readonly string[];
  /** Event patterns exported as log records (see {@link bridgeLogs}). @default ['**'] */
  eventPatterns?: readonly string[];
  /** How often metrics are collected and sent. @default 60000 */
  metricExportIntervalMs?: number;
  /** Aggregation temporality of exported metrics. @default 'cumulative' */
  metricTemporality?: 'cumulative' | 'delta';
}

/** What {@link applyOtlpConfig}'s export is doing. */
export interface OtlpStatus {
  /** Whether export runs (`enabled` and `otlp.enabled`, and the SDK loaded). */
  readonly running: boolean;
  /** `service.name` of the resource in force. */
  readonly serviceName: string;
  readonly traces: OtlpSignalStatus;
  readonly metrics: OtlpSignalStatus;
  readonly logs: OtlpSignalStatus;
  /** The last error applying the configuration (the SDK missing, an exporter failing to close). */
  readonly lastError: string | undefined;
}

/** The OpenTelemetry export {@link applyOtlpConfig} runs. */
export interface OtlpExport {
  /** Resolves once every configuration change so far is applied (old exporters flushed and closed). */
  settled(): Promise<void>;
  /** Sends everything queued now (spans, log records, a metric collection). */
  flush(): Promise<void>;
  status(): OtlpStatus;
  /** Stops following the configuration and shuts export down, sending what is queued. Also runs at `t.shutdown()`. */
  stop(): Promise<void>;
}

type Sdk = Awaited<ReturnType<typeof loadSdk>> & { proto?: Awaited<ReturnType<typeof loadProto>> };

interface Pipeline {
  readonly rebuildKey: string;
  readonly targets: Record<Signal, string>;
  readonly traces: {
    provider: { shutdown(): Promise<void>; forceFlush(): Promise<void> };
    processor: SwitchingSpanProcessor;
  };
  readonly logs: {
    provider: { shutdown(): Promise<void>; forceFlush(): Promise<void> };
    processor: SwitchingLogRecordProcessor;
  };
  readonly metrics:
    | {
        provider: { shutdown(): Promise<void>; forceFlush(): Promise<void> };
        reader: { forceFlush(): Promise<void> };
        exporter: SwitchingMetricExporter;
      }
    | undefined;
  readonly bridges: { spans: SpanBridge; logs: LogBridge; metrics: MetricsBinding | undefined };
}

type Signal = 'traces' | 'metrics' | 'logs';
const SIGNALS: readonly Signal[] = ['traces', 'metrics', 'logs'];
const WATCHED = ['enabled', 'serviceName', 'resourceAttributes', 'metrics.maxSeries', 'otlp.*'];

/**
 * Runs OpenTelemetry export (traces from isotel spans, metrics from `metrics` definitions, log
 * records from events) over OTLP/HTTP (JSON) with the official SDK, as `config` says, and follows
 * it live: `enabled` and `otlp.enabled` start and stop it; `otlp.endpoint` (each signal at
 * `<endpoint>/v1/<signal>`), `otlp.tracesEndpoint` / `metricsEndpoint` / `logsEndpoint` and
 * `otlp.headers` re-point a signal: records ended before the change are sent to the old
 * endpoint (its queue is flushed, then it is closed), records after it to the new one, none to
 * both. `serviceName`, `resourceAttributes` and `metrics.maxSeries` rebuild the pipeline with
 * the new resource: the old one is detached and flushed in the same step the new one attaches,
 * so no event reaches both; spans still open then end as abandoned. The SDK packages are loaded
 * the first time export starts. Failures are logged and shown in `status()`, never thrown.
 *
 * @example
 * const otlp = applyOtlpConfig(config, t, { metrics: [counter('http.request.stop')] })
 * config.set('otlp.endpoint', 'http://collector-b:4318') // from now on, to collector-b
 * await otlp.settled()
 */
export function applyOtlpConfig(config: Config, t: Telemetry, options: OtlpConfigOptions = {}): OtlpExport {
  const intervalMs = options.metricExportIntervalMs ?? 60_000;
  if (!Number.isInteger(intervalMs) || intervalMs < 1) {
    throw new IsotelError(
      'invalid_argument',
      `metricExportIntervalMs must be a positive integer, got ${String(intervalMs)}.`,
    );
  }
  const definitions = options.metrics ?? [];
  const counters: Record<Signal, ExportCounter> = {
    traces: new ExportCounter(targetOf(config, 'traces').url),
    metrics: new ExportCounter(targetOf(config, 'metrics').url),
    logs: new ExportCounter(targetOf(config, 'logs').url),
  };
  let sdk: Sdk | undefined;
  let current: Pipeline | undefined;
  let generation = 0;
  let lastError: string | undefined;
  let stopped = false;

  const build = (s: Sdk): Pipeline => {
    generation++;
    const resource = s.resources.defaultResource().merge(
      s.resources.resourceFromAttributes({
        ...config.get('resourceAttributes'),
        'service.name': config.get('serviceName'),
      }),
    );
    const id = (signal: string) => `isotel.otlp.${signal}#${generation}`;
    for (const signal of SIGNALS) counters[signal].url = targetOf(config, signal).url;
    const spanProcessor = new SwitchingSpanProcessor(spanBatch(s, targetOf(config, 'traces'), counters.traces));
    const tracerProvider = new s.trace.BasicTracerProvider({ resource, spanProcessors: [spanProcessor] });
    const logProcessor = new SwitchingLogRecordProcessor(logBatch(s, targetOf(config, 'logs'), counters.logs));
    const loggerProvider = new s.logs.LoggerProvider({ resource, processors: [logProcessor] });
    let metrics: Pipeline['metrics'];
    let meter: Meter | undefined;
    if (definitions.length > 0) {
      const exporter = new SwitchingMetricExporter(
        metricExporter(s, targetOf(config, 'metrics'), options.metricTemporality),
        counters.metrics,
      );
      const reader = new s.metrics.PeriodicExportingMetricReader({ exporter, exportIntervalMillis: intervalMs });
      const provider = new s.metrics.MeterProvider({ resource, readers: [reader] });
      metrics = { provider, reader, exporter };
      meter = provider.getMeter('isotel', VERSION);
    }
    // a bridge that refuses (a metric definition the meter cannot take) leaves nothing behind
    const attached: { detach(): void }[] = [];
    let metricsBinding: MetricsBinding | undefined;
    let spans: SpanBridge;
    let logs: LogBridge;
    try {
      if (meter !== undefined) {
        metricsBinding = bridgeMetrics(t, definitions, {
          meter,
          maxSeries: config.get('metrics.maxSeries'),
          id: id('metrics'),
        });
        attached.push(metricsBinding);
      }
      spans = bridgeSpans(t, {
        tracer: tracerProvider.getTracer('isotel', VERSION),
        id: id('spans'),
        ...(options.spanPrefixes === undefined ? {} : { prefixes: options.spanPrefixes }),
      });
      attached.push(spans);
      logs = bridgeLogs(t, {
        logger: loggerProvider.getLogger('isotel', VERSION),
        id: id('logs'),
        ...(options.eventPatterns === undefined ? {} : { patterns: options.eventPatterns }),
      });
    } catch (error) {
      for (const bridge of attached) bridge.detach();
      void Promise.all([tracerProvider.shutdown(), loggerProvider.shutdown(), metrics?.provider.shutdown()]);
      throw error;
    }
    return {
      rebuildKey: rebuildKeyOf(config),
      targets: {
        traces: targetKey(config, 'traces'),
        metrics: targetKey(config, 'metrics'),
        logs: targetKey(config, 'logs'),
      },
      traces: { provider: tracerProvider, processor: spanProcessor },
      logs: { provider: loggerProvider, processor: logProcessor },
      metrics,
      bridges: { spans, logs, metrics: metricsBinding },
    };
  };

  // Detaching is synchronous, so between it and the next pipeline attaching no event is emitted.
  const detach = (p: Pipeline): Promise<unknown> => {
    p.bridges.spans.detach();
    p.bridges.logs.detach();
    p.bridges.metrics?.detach();
    return Promise.all([p.traces.provider.shutdown(), p.logs.provider.shutdown(), p.metrics?.provider.shutdown()]);
  };

  const repoint = async (p: Pipeline, s: Sdk, signal: Signal): Promise<void> => {
    const target = targetOf(config, signal);
    (p.targets as Record<Signal, string>)[signal] = targetKey(config, signal);
    if (signal === 'traces') {
      counters.traces.url = target.url;
      await p.traces.processor.switchTo(spanBatch(s, target, counters.traces));
    } else if (signal === 'logs') {
      counters.logs.url = target.url;
      await p.logs.processor.switchTo(logBatch(s, target, counters.logs));
    } else if (p.metrics !== undefined) {
      await p.metrics.reader.forceFlush();
      await p.metrics.exporter.switchTo(metricExporter(s, target, options.metricTemporality), target.url);
    } else counters.metrics.url = target.url;
  };

  const reconcile = async (): Promise<void> => {
    const on = !stopped && config.get('enabled') && config.get('otlp.enabled');
    if (!on) {
      if (current === undefined) return;
      const old = current;
      current = undefined;
      await detach(old);
      return;
    }
    sdk ??= await loadSdk();
    if (config.get('otlp.protocol') === 'http/protobuf') sdk.proto ??= await loadProto();
    if (current === undefined) {
      current = build(sdk);
      return;
    }
    if (current.rebuildKey !== rebuildKeyOf(config)) {
      const old = current;
      current = build(sdk);
      await detach(old);
      return;
    }
    const p = current;
    const s = sdk;
    await Promise.all(
      SIGNALS.filter((sig) => p.targets[sig] !== targetKey(config, sig)).map((sig) => repoint(p, s, sig)),
    );
  };

  let chain: Promise<void> = Promise.resolve();
  let queued = false;
  const schedule = () => {
    if (queued) return;
    queued = true;
    chain = chain
      .then(() => {
        queued = false;
        return reconcile();
      })
      .catch((error: unknown) => {
        lastError = error instanceof Error ? error.message : String(error);
        logger().error('Applying the OTLP configuration failed.', error);
      });
  };
  const offs = WATCHED.map((pattern) => config.subscribe(pattern, schedule));
  schedule();

  const settled = async () => {
    let seen: Promise<void>;
    do {
      seen = chain;
      await seen;
    } while (seen !== chain);
  };
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    unregister();
    for (const off of offs) off();
    schedule();
    await settled();
  };
  const unregister = t.onShutdown(stop);

  return {
    settled,
    async flush() {
      await settled();
      const p = current;
      if (p === undefined) return;
      await Promise.all([
        p.traces.provider.forceFlush(),
        p.logs.provider.forceFlush(),
        p.metrics?.provider.forceFlush(),
      ]);
    },
    status: () => ({
      running: current !== undefined,
      serviceName: config.get('serviceName'),
      traces: counters.traces.status(),
      metrics: counters.metrics.status(),
      logs: counters.logs.status(),
      lastError,
    }),
    stop,
  };
}

interface Target {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly protocol: 'http/json' | 'http/protobuf';
}

// The specification's rule: a signal's own endpoint is used as it is; the base endpoint gets
// `v1/<signal>` appended to its path.
function targetOf(config: Config, signal: Signal): Target {
  const own = config.get(`otlp.${signal}Endpoint`);
  const base = config.get('otlp.endpoint');
  const url = own !== '' ? own : `${base}${base.endsWith('/') ? '' : '/'}v1/${signal}`;
  return { url, headers: config.get('otlp.headers'), protocol: config.get('otlp.protocol') };
}

function targetKey(config: Config, signal: Signal): string {
  const { url, headers, protocol } = targetOf(config, signal);
  return JSON.stringify([url, protocol, Object.entries(headers).sort()]);
}

// The SDK's exporters for the target's encoding: the -proto packages for http/protobuf (loaded
// before this is called), the -http ones for http/json.
function exportersFor(s: Sdk, target: Target) {
  if (target.protocol === 'http/json' || s.proto === undefined) {
    return { trace: s.traceExporter, logs: s.logExporter, metrics: s.metricExporter };
  }
  return { trace: s.proto.trace, logs: s.proto.logs, metrics: s.proto.metrics };
}

function rebuildKeyOf(config: Config): string {
  const attributes = Object.entries(config.get('resourceAttributes')).sort();
  return JSON.stringify([config.get('serviceName'), attributes, config.get('metrics.maxSeries')]);
}

function spanBatch(s: Sdk, target: Target, counter: ExportCounter) {
  const exporter = new (exportersFor(s, target).trace.OTLPTraceExporter)({
    url: target.url,
    headers: { ...target.headers },
  });
  return new s.trace.BatchSpanProcessor(counted(exporter, counter));
}

function logBatch(s: Sdk, target: Target, counter: ExportCounter) {
  const exporter = new (exportersFor(s, target).logs.OTLPLogExporter)({
    url: target.url,
    headers: { ...target.headers },
  });
  return new s.logs.BatchLogRecordProcessor({ exporter: counted(exporter, counter) });
}

function metricExporter(s: Sdk, target: Target, temporality: 'cumulative' | 'delta' | undefined) {
  const { OTLPMetricExporter } = exportersFor(s, target).metrics;
  const Preference = s.metricExporter.AggregationTemporalityPreference;
  return new OTLPMetricExporter({
    url: target.url,
    headers: { ...target.headers },
    temporalityPreference: temporality === 'delta' ? Preference.DELTA : Preference.CUMULATIVE,
  }) as unknown as ConstructorParameters<typeof SwitchingMetricExporter>[0];
}

// Loaded on first use, so `@isotel/core/otel` costs nothing for those who only bridge spans.
async function loadSdk() {
  const [trace, metrics, logs, resources, traceExporter, metricExporter, logExporter] = await Promise.all([
    import('@opentelemetry/sdk-trace-base'),
    import('@opentelemetry/sdk-metrics'),
    import('@opentelemetry/sdk-logs'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/exporter-metrics-otlp-http'),
    import('@opentelemetry/exporter-logs-otlp-http'),
  ]).catch((error: unknown) => {
    throw new IsotelError(
      'invalid_config',
      'OTLP export needs the OpenTelemetry SDK packages: @opentelemetry/sdk-trace-base, sdk-metrics, sdk-logs, resources and exporter-{trace,metrics,logs}-otlp-http.',
      { cause: error },
    );
  });
  return { trace, metrics, logs, resources, traceExporter, metricExporter, logExporter };
}

// Loaded only when `otlp.protocol` is `http/protobuf`.
async function loadProto() {
  const [trace, metrics, logs] = await Promise.all([
    import('@opentelemetry/exporter-trace-otlp-proto'),
    import('@opentelemetry/exporter-metrics-otlp-proto'),
    import('@opentelemetry/exporter-logs-otlp-proto'),
  ]).catch((error: unknown) => {
    throw new IsotelError(
      'invalid_config',
      'otlp.protocol "http/protobuf" needs @opentelemetry/exporter-{trace,metrics,logs}-otlp-proto.',
      { cause: error },
    );
  });
  return { trace, metrics, logs };
}
