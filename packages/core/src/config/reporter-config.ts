import { logger } from '../log/logger.js';
import type { Config } from './config.js';

// Structural views of the reporters, so this module stays free of node:* and prom-client.
interface Switchable {
  setEnabled(enabled: boolean): void;
}
interface Closable {
  close(): Promise<void>;
}
interface Listening {
  listen(port: number): Promise<void>;
  /** The port it listens on, when it tells. */
  readonly port?: number;
}
interface StatsdLike extends Switchable {
  setEndpoint(endpoint: { host?: string; port?: number }): Promise<void>;
  setMaxBufferSize(bytes: number): Promise<void>;
}

/** What {@link ConfiguredReporters.createPrometheus} is given: `prometheusReporter` options from the configuration. */
export interface PrometheusSettings {
  prefix: string;
  maxSeries: number;
  enabled: boolean;
  /** `target_info`'s labels: `resourceAttributes` with `service.name` from `serviceName`. */
  targetInfo: Readonly<Record<string, string>>;
}

/** What {@link ConfiguredReporters.serveMetrics} is given: `serveMetrics` options from the configuration. */
export interface MetricsServerSettings {
  host: string;
  port: number;
  path: string;
}

/** What {@link ConfiguredReporters.createStatsd} is given: `statsdReporter` options from the configuration. */
export interface StatsdSettings {
  host: string;
  port: number;
  prefix: string;
  maxBufferSize: number;
  sampleRate: number;
  maxSeries: number;
  enabled: boolean;
  /**
   * DogStatsD tags on every line, as its unified service tagging names them: `service` from
   * `serviceName` (unless it is the default `unknown_service`), `env` and `version` from `resourceAttributes`' `deployment.environment`
   * (or `deployment.environment.name`) and `service.version`, when set.
   */
  globalTags: Readonly<Record<string, string>>;
}

/**
 * What {@link applyReporterConfig} returns: call it to stop following the configuration;
 * `status()` gives the figures (`stats()`) of the reporters in force now, for `GET /v1/exporters`
 * (`exporters: { prometheus: () => reporters.status().prometheus }`) or a status page.
 */
export interface AppliedReporters {
  (): void;
  status(): { prometheus?: object; statsd?: object; metricsServer?: { port?: number } };
}

/** The reporters {@link applyReporterConfig} keeps in line with a configuration. */
export interface ConfiguredReporters<P extends Switchable & Closable = Switchable & Closable> {
  prometheus?: Switchable;
  /** The `/metrics` server; moved when `prometheus.port` changes. */
  metricsServer?: Listening;
  statsd?: StatsdLike;
  /**
   * Starts a runtime poller at an interval (e.g. `(ms) => startNodeRuntimePoller(t, { intervalMs: ms })`);
   * run while `enabled` and `runtime.enabled` hold, restarted when `runtime.intervalMs` changes.
   */
  runtime?: (intervalMs: number) => { stop(): void };
  /**
   * Creates the Prometheus reporter (e.g. `(s) => prometheusReporter(t, metrics, s)`), instead of
   * `prometheus`: called now, and again when `prometheus.prefix`, `metrics.maxSeries`,
   * `serviceName` or `resourceAttributes` change, after the previous reporter is closed (its
   * handlers detach in the same step, so no event is counted by both; its series start again
   * under the new names).
   */
  createPrometheus?: (settings: PrometheusSettings) => P;
  /**
   * Serves a Prometheus reporter (e.g. `(prom, s) => serveMetrics(prom, s)`), instead of
   * `metricsServer`: called now, and again when `prometheus.host` or `prometheus.path` change or
   * the reporter is re-created (the previous server is closed first); `prometheus.port` moves it.
   */
  serveMetrics?: (reporter: P, settings: MetricsServerSettings) => Promise<Listening & Closable>;
  /**
   * Creates the StatsD reporter (e.g. `(s) => statsdReporter(t, metrics, s)`), instead of
   * `statsd`: called now, and again when `statsd.prefix`, `statsd.sampleRate`,
   * `metrics.maxSeries`, `serviceName` or `resourceAttributes` change, after the previous one is
   * closed (it detaches in the same step, then sends what it buffered to its agent).
   */
  createStatsd?: (settings: StatsdSettings) => StatsdLike & Closable;
}

/**
 * Applies the configuration to running reporters now and on every change, without a restart:
 * `enabled` / `prometheus.enabled` / `statsd.enabled` switch handlers, `prometheus.port` moves the
 * `/metrics` server, `statsd.host` / `statsd.port` change the agent, `statsd.maxBufferSize` the
 * datagram size; `runtime.enabled` / `runtime.intervalMs` start, stop and re-time the runtime poller.
 * With the `create*` / `serveMetrics` factories it also creates the reporters and the server from
 * the configuration and re-creates them when `prometheus.prefix` / `host` / `path`,
 * `statsd.prefix` / `sampleRate` or `metrics.maxSeries` change. Failures are logged, not thrown.
 * Returns a function that stops following the configuration (and stops the poller it started),
 * with `status()` reading the reporters in force.
 *
 * @example
 * const stop = applyReporterConfig(config, {
 *   createPrometheus: (s) => prometheusReporter(t, metrics, s),
 *   serveMetrics: (prom, s) => serveMetrics(prom, s),
 *   createStatsd: (s) => statsdReporter(t, metrics, s),
 * })
 */
export function applyReporterConfig<P extends Switchable & Closable>(
  config: Config,
  reporters: ConfiguredReporters<P>,
): AppliedReporters {
  const { runtime, createPrometheus, serveMetrics, createStatsd } = reporters;
  const fail = (what: string) => (error: unknown) => logger().error(`Applying ${what} failed.`, error);
  const on = () => config.get('enabled');
  const promSettings = (): PrometheusSettings => ({
    prefix: config.get('prometheus.prefix'),
    maxSeries: config.get('metrics.maxSeries'),
    enabled: on() && config.get('prometheus.enabled'),
    targetInfo: { ...config.get('resourceAttributes'), 'service.name': config.get('serviceName') },
  });
  const serverSettings = (): MetricsServerSettings => ({
    host: config.get('prometheus.host'),
    port: config.get('prometheus.port'),
    path: config.get('prometheus.path'),
  });
  const statsdSettings = (): StatsdSettings => ({
    host: config.get('statsd.host'),
    port: config.get('statsd.port'),
    prefix: config.get('statsd.prefix'),
    maxBufferSize: config.get('statsd.maxBufferSize'),
    sampleRate: config.get('statsd.sampleRate'),
    maxSeries: config.get('metrics.maxSeries'),
    enabled: on() && config.get('statsd.enabled'),
    globalTags: serviceTags(config),
  });

  let prometheus: (Switchable & Partial<Closable>) | undefined =
    createPrometheus === undefined ? reporters.prometheus : createPrometheus(promSettings());
  let statsd: (StatsdLike & Partial<Closable>) | undefined =
    createStatsd === undefined ? reporters.statsd : createStatsd(statsdSettings());
  let metricsServer: (Listening & Partial<Closable>) | undefined = reporters.metricsServer;
  // the settings of the reporters in force, to fall back on when new ones are refused
  let lastProm = promSettings();
  let lastStatsd = statsdSettings();
  const recreate = <S, R>(create: (settings: S) => R, settings: S, previous: S, what: string) => {
    try {
      return { reporter: create(settings), settings };
    } catch (error) {
      fail(`the ${what} settings (the previous ones stay in force)`)(error);
      try {
        return { reporter: create(previous), settings: previous };
      } catch (again) {
        fail(`re-creating the ${what} reporter`)(again);
        return { reporter: undefined, settings: previous };
      }
    }
  };

  // server moves run one after another: each waits for the previous to bind or close
  let serving: Promise<void> = Promise.resolve();
  const serve = (closing?: Promise<void>) => {
    if (serveMetrics === undefined || prometheus === undefined) return;
    const reporter = prometheus as P;
    serving = serving
      .then(async () => {
        const old = metricsServer;
        metricsServer = undefined;
        await closing;
        await old?.close?.();
        metricsServer = await serveMetrics(reporter, serverSettings());
      })
      .catch(fail('the /metrics server settings'));
  };
  if (createPrometheus !== undefined) serve();

  const recreatePrometheus = () => {
    if (createPrometheus === undefined || prometheus === undefined) return;
    // close() detaches synchronously, before its first await: the new reporter's handlers take over at once
    const closing = (prometheus.close?.() ?? Promise.resolve()).catch(fail('closing the Prometheus reporter'));
    const next = recreate(createPrometheus, promSettings(), lastProm, 'Prometheus');
    prometheus = next.reporter;
    lastProm = next.settings;
    prometheus?.setEnabled(on() && config.get('prometheus.enabled'));
    serve(closing);
  };
  const recreateStatsd = () => {
    if (createStatsd === undefined || statsd === undefined) return;
    statsd.close?.().catch(fail('closing the StatsD reporter'));
    const next = recreate(createStatsd, statsdSettings(), lastStatsd, 'StatsD');
    statsd = next.reporter;
    lastStatsd = next.settings;
    statsd?.setEnabled(on() && config.get('statsd.enabled'));
  };

  let poller: { stop(): void } | undefined;
  const restartRuntime = () => {
    poller?.stop();
    poller = undefined;
    if (runtime !== undefined && on() && config.get('runtime.enabled')) {
      poller = runtime(config.get('runtime.intervalMs'));
    }
  };
  const switches = () => {
    prometheus?.setEnabled(on() && config.get('prometheus.enabled'));
    statsd?.setEnabled(on() && config.get('statsd.enabled'));
    if (runtime !== undefined && (poller !== undefined) !== (on() && config.get('runtime.enabled'))) restartRuntime();
  };
  switches();
  const offs = [
    config.subscribe('enabled', switches),
    config.subscribe('prometheus.enabled', switches),
    config.subscribe('statsd.enabled', switches),
    config.subscribe('runtime.enabled', switches),
    config.subscribe('runtime.intervalMs', () => {
      if (poller !== undefined) restartRuntime();
    }),
    config.subscribe('prometheus.port', (port) => {
      serving = serving
        .then(() => {
          // a server (re)created since this change already listens on the new port
          if (metricsServer !== undefined && metricsServer.port !== port) return metricsServer.listen(port as number);
        })
        .catch(fail('prometheus.port'));
    }),
    config.subscribe('prometheus.host', () => serve()),
    config.subscribe('prometheus.path', () => serve()),
    config.subscribe('prometheus.prefix', recreatePrometheus),
    config.subscribe('statsd.prefix', recreateStatsd),
    config.subscribe('statsd.sampleRate', recreateStatsd),
    config.subscribe('metrics.maxSeries', () => {
      recreatePrometheus();
      recreateStatsd();
    }),
    config.subscribe('serviceName', () => {
      recreatePrometheus();
      recreateStatsd();
    }),
    config.subscribe('resourceAttributes', () => {
      recreatePrometheus();
      recreateStatsd();
    }),
    config.subscribe('statsd.host', (host) => {
      statsd?.setEndpoint({ host: host as string }).catch(fail('statsd.host'));
    }),
    config.subscribe('statsd.port', (port) => {
      statsd?.setEndpoint({ port: port as number }).catch(fail('statsd.port'));
    }),
    config.subscribe('statsd.maxBufferSize', (bytes) => {
      statsd?.setMaxBufferSize(bytes as number).catch(fail('statsd.maxBufferSize'));
    }),
  ];
  const stop = () => {
    for (const off of offs) off();
    poller?.stop();
    poller = undefined;
  };
  const statsOf = (reporter: unknown): object | undefined => {
    const stats = (reporter as { stats?: () => object } | undefined)?.stats;
    return typeof stats === 'function' ? { enabled: isOn(reporter), ...stats.call(reporter) } : undefined;
  };
  return Object.assign(stop, {
    status: () => ({
      ...(prometheus === undefined ? {} : { prometheus: statsOf(prometheus) ?? { enabled: isOn(prometheus) } }),
      ...(statsd === undefined ? {} : { statsd: statsOf(statsd) ?? { enabled: isOn(statsd) } }),
      ...(metricsServer === undefined
        ? {}
        : { metricsServer: metricsServer.port === undefined ? {} : { port: metricsServer.port } }),
    }),
  });
}

function serviceTags(config: Config): Record<string, string> {
  const resource = config.get('resourceAttributes');
  const env = resource['deployment.environment.name'] ?? resource['deployment.environment'];
  const version = resource['service.version'];
  const service = config.get('serviceName');
  return {
    // OpenTelemetry's placeholder name would only add noise to every line
    ...(service === 'unknown_service' ? {} : { service }),
    ...(env === undefined ? {} : { env }),
    ...(version === undefined ? {} : { version }),
  };
}

function isOn(reporter: unknown): boolean | undefined {
  const enabled = (reporter as { enabled?: unknown }).enabled;
  return typeof enabled === 'boolean' ? enabled : undefined;
}
