// Reporters follow config.set live: on/off, the /metrics port, the StatsD endpoint and batch size.
import { createSocket } from 'node:dgram';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { freePort } from '../../../../scripts/free-port.mjs';
import { createTelemetry } from '../bus/telemetry.js';
import { counter } from '../metrics/definitions.js';
import { serveMetrics } from '../node/prometheus/metrics-server.js';
import { prometheusReporter } from '../node/prometheus/prometheus-reporter.js';
import { startNodeRuntimePoller } from '../node/runtime/node-sources.js';
import { statsdReporter } from '../node/statsd/statsd-reporter.js';
import { captureEvents } from '../testing/capture-events.js';
import { loadConfig } from './config.js';
import { until } from './config.test-kit.js';
import { applyReporterConfig } from './reporter-config.js';

const t = createTelemetry();
afterEach(() => t.shutdown());

async function udpAgent() {
  const socket = createSocket('udp4');
  const datagrams: string[] = [];
  socket.on('message', (m) => datagrams.push(m.toString()));
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
  return { port: socket.address().port, datagrams, close: () => new Promise<void>((r) => socket.close(() => r())) };
}

describe('reporters follow the configuration live', () => {
  it('moves /metrics to a new port and switches Prometheus off and on without a restart', async () => {
    const config = loadConfig({ env: {}, options: { prometheus: { port: 0 } } });
    const prom = prometheusReporter(t, [counter('a.b.count')]);
    const server = await serveMetrics(prom, { port: config.get('prometheus.port') });
    applyReporterConfig(config, { prometheus: prom, metricsServer: server });
    t.emit('a.b', {});
    const next = await freePort();
    config.set('prometheus.port', next);
    const text = await until(async () => {
      const response = await fetch(`http://127.0.0.1:${next}/metrics`);
      return response.ok ? response.text() : undefined;
    });
    expect(text).toContain('a_b_count_total 1');
    expect(server.port).toBe(next);
    config.set('prometheus.enabled', false);
    t.emit('a.b', {});
    config.set('prometheus.enabled', true);
    t.emit('a.b', {});
    expect(await prom.metrics()).toContain('a_b_count_total 2');
    config.set('enabled', false);
    expect(prom.enabled).toBe(false);
    await server.close();
  });

  it('sends StatsD lines to a new endpoint and under a new batch size after config.set', async () => {
    const first = await udpAgent();
    const second = await udpAgent();
    try {
      const config = loadConfig({ env: {}, options: { statsd: { enabled: true, port: first.port } } });
      const statsd = statsdReporter(t, [counter('job.run.count', { tags: ['job'] })], {
        port: config.get('statsd.port'),
        bufferFlushInterval: 60_000,
      });
      applyReporterConfig(config, { statsd });
      t.emit('job.run', {}, { job: 'a' });
      config.set('statsd.port', second.port);
      config.set('statsd.maxBufferSize', 64);
      for (let i = 0; i < 4; i++) t.emit('job.run', {}, { job: `b${i}` });
      config.set('statsd.enabled', false);
      t.emit('job.run', {}, { job: 'ignored' });
      await statsd.flush();
      await until(async () =>
        first.datagrams.length >= 1 && second.datagrams.join('\n').split('\n').length >= 4 ? true : undefined,
      );
      expect(first.datagrams).toEqual(['job.run.count:1|c|#job:a']);
      expect(second.datagrams.join('\n').split('\n')).toEqual([0, 1, 2, 3].map((i) => `job.run.count:1|c|#job:b${i}`));
      // 64-byte datagrams hold two of these 24-byte lines, not all four
      expect(second.datagrams.length).toBeGreaterThan(1);
      for (const d of second.datagrams) expect(Buffer.byteLength(d)).toBeLessThanOrEqual(64);
    } finally {
      await first.close();
      await second.close();
    }
  });

  it('starts, re-times and stops the runtime poller from runtime.enabled and runtime.intervalMs', () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      const config = loadConfig({ env: {}, options: { runtime: { intervalMs: 1000 } } });
      const memory = captureEvents(t, 'runtime.memory');
      const stop = applyReporterConfig(config, { runtime: (ms) => startNodeRuntimePoller(t, { intervalMs: ms }) });
      expect(vi.getTimerCount()).toBe(0);
      config.set('runtime.enabled', true);
      vi.advanceTimersByTime(1000);
      expect(memory.events).toHaveLength(1);
      config.set('runtime.intervalMs', 200);
      vi.advanceTimersByTime(1000);
      expect(memory.events).toHaveLength(6);
      expect(vi.getTimerCount()).toBe(1);
      config.set('enabled', false);
      expect(vi.getTimerCount()).toBe(0);
      config.set('enabled', true);
      expect(vi.getTimerCount()).toBe(1);
      stop();
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});
