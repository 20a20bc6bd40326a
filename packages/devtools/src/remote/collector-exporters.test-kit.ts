// A collector on a free loopback port with a real StatsD reporter attached, sending to a UDP
// socket on loopback that stands in for the agent: what `GET /v1/exporters` then answers is real.
import { createSocket } from 'node:dgram';
import { createTelemetry, type Telemetry } from '@isotel/core';
import { counter } from '@isotel/core/metrics';
import { type Collector, createCollector } from '@isotel/core/node';
import { type StatsdReporter, statsdReporter } from '@isotel/core/statsd';

export interface CollectorWithReporters {
  readonly telemetry: Telemetry;
  readonly collector: Collector;
  readonly reporter: StatsdReporter;
  readonly url: string;
  /** Datagrams the StatsD agent received. */
  readonly datagrams: string[];
  close(): Promise<void>;
}

/** A status source whose `stats()` throws: the collector reports it with `lastError` 'audit log closed'. */
export const failingAudit = {
  stats(): object {
    throw new Error('audit log closed');
  },
};

/**
 * Starts the agent, a bus with a StatsD reporter of `orders.created` (tag `region`, lines of at
 * most 64 bytes: a longer one is dropped and counted as `oversized`) and a collector reporting it
 * as `statsd`, plus `extra` status sources.
 */
export async function collectorWithStatsd(
  adminToken: string | undefined,
  extra: Readonly<Record<string, { stats(): object }>> = {},
): Promise<CollectorWithReporters> {
  const socket = createSocket('udp4');
  const datagrams: string[] = [];
  socket.on('message', (message) => datagrams.push(message.toString('utf8')));
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  const telemetry = createTelemetry();
  const reporter = statsdReporter(telemetry, [counter('orders.created.count', { tags: ['region'] })], {
    port: socket.address().port,
    bufferFlushInterval: 20,
    maxBufferSize: 64,
  });
  const collector = createCollector({
    telemetry,
    ...(adminToken === undefined ? {} : { adminToken }),
    node: 'collector-a',
    exporters: { statsd: reporter, ...extra },
  });
  const { url } = await collector.listen(0, '127.0.0.1');
  return {
    telemetry,
    collector,
    reporter,
    url,
    datagrams,
    async close() {
      await collector.close();
      await reporter.close();
      await new Promise<void>((resolve) => socket.close(() => resolve()));
    },
  };
}
