import { logger } from '../log/logger.js';
import type { Config } from './config.js';

// Structural views of the reporters, so this module stays free of node:* and prom-client.
interface Switchable {
  setEnabled(enabled: boolean): void;
}
interface Listening {
  listen(port: number): Promise<void>;
}
interface StatsdLike extends Switchable {
  setEndpoint(endpoint: { host?: string; port?: number }): Promise<void>;
  setMaxBufferSize(bytes: number): Promise<void>;
}

/** The reporters {@link applyReporterConfig} keeps in line with a configuration. */
export interface ConfiguredReporters {
  prometheus?: Switchable;
  /** The `/metrics` server; moved when `prometheus.port` changes. */
  metricsServer?: Listening;
  statsd?: StatsdLike;
  /**
   * Starts a runtime poller at an interval (e.g. `(ms) => startNodeRuntimePoller(t, { intervalMs: ms })`);
   * run while `enabled` and `runtime.enabled` hold, restarted when `runtime.intervalMs` changes.
   */
  runtime?: (intervalMs: number) => { stop(): void };
}

/**
 * Applies the configuration to running reporters now and on every change, without a restart:
 * `enabled` / `prometheus.enabled` / `statsd.enabled` switch handlers, `prometheus.port` moves the
 * `/metrics` server, `statsd.host` / `statsd.port` change the agent, `statsd.maxBufferSize` the
 * datagram size; `runtime.enabled` / `runtime.intervalMs` start, stop and re-time the runtime poller.
 * Returns a function that stops following the configuration (and stops the poller it started).
 *
 * @example const stop = applyReporterConfig(config, { prometheus: prom, metricsServer: server, statsd })
 */
export function applyReporterConfig(config: Config, reporters: ConfiguredReporters): () => void {
  const { prometheus, metricsServer, statsd, runtime } = reporters;
  let poller: { stop(): void } | undefined;
  const restartRuntime = () => {
    poller?.stop();
    poller = undefined;
    if (runtime !== undefined && config.get('enabled') && config.get('runtime.enabled')) {
      poller = runtime(config.get('runtime.intervalMs'));
    }
  };
  const fail = (what: string) => (error: unknown) => logger().error(`Applying ${what} failed.`, error);
  const switches = () => {
    const on = config.get('enabled');
    prometheus?.setEnabled(on && config.get('prometheus.enabled'));
    statsd?.setEnabled(on && config.get('statsd.enabled'));
    if (runtime !== undefined && (poller !== undefined) !== (on && config.get('runtime.enabled'))) restartRuntime();
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
      metricsServer?.listen(port as number).catch(fail('prometheus.port'));
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
  return () => {
    for (const off of offs) off();
    poller?.stop();
    poller = undefined;
  };
}
