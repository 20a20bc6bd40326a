// Collector scale-out. (1) What the Redis store costs per event against the in-memory store, in
// this one process: the same batches of 100 through the collector's handler (no HTTP), 8 in
// flight, rate limits on (huge, so nothing is refused: the buckets are still consulted), with
// each store; the collector's CPU and wall time per event. Redis runs on this machine. (2) The
// events/s of 1, 2 and 3 collector processes sharing one Redis behind nginx
// (docs/ops/nginx-collectors.conf), load from a child process; on 2 cores shared by nginx, Redis,
// the load generator and the collectors, more collectors cannot add cores: the figure says what
// the topology sustains here, not what it scales to on larger machines.
import { existsSync } from 'node:fs';
import { createTelemetry, setLogger, uuidv7 } from '@isotel/core';
import { type CollectorStore, createCollector, memoryStore } from '@isotel/core/node';
import { redisStore } from '@isotel/core/redis';
import type { Row, Suite } from '../harness.js';
import { ingestBatch } from '../ingest-batch.js';
import {
  NGINX,
  REDIS_SERVER,
  runLoad,
  type Started,
  startCollector,
  startNginx,
  startRedis,
} from '../scale-processes.js';

const BATCH = 100;
const HANDLER_BATCHES = 1500;
const IN_FLIGHT = 8;
const HTTP_BATCHES = 1500;
const HTTP_CONCURRENCY = 16;
const HUGE = 1e9;
const rateLimit = {
  eventsPerSecond: HUGE,
  burst: HUGE,
  requestsPerSecond: HUGE,
  requestBurst: HUGE,
  bytesPerSecond: HUGE,
  bytesBurst: HUGE,
  perAddress: false as const,
};

interface StoreCost {
  readonly cpuNs: number;
  readonly wallNs: number;
  readonly accepted: number;
}

// the handler with `store`, IN_FLIGHT batches at a time: collector CPU and wall time per event
async function storeCost(store: CollectorStore): Promise<StoreCost> {
  const telemetry = createTelemetry();
  telemetry.attach('sink', 'checkout.**', () => undefined);
  const collector = createCollector({ telemetry, rateLimit, node: 'bench', store });
  while (collector.stats().store.status !== 'up') await new Promise((r) => setTimeout(r, 20));
  const prefix = uuidv7();
  const bodies = Array.from({ length: HANDLER_BATCHES }, (_, n) => ingestBatch(prefix, n, BATCH, `bench-${n % 64}`));
  const post = async (body: string) => {
    const res = await collector.handler(new Request('http://127.0.0.1/v1/events', { method: 'POST', body }));
    return ((await res.json()) as { accepted: number }).accepted;
  };
  let accepted = 0;
  const run = async (from: number, to: number) => {
    let next = from;
    const worker = async () => {
      while (next < to) {
        const answered = await post(bodies[next++] as string);
        accepted += answered;
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  };
  await run(0, 200); // warm-up
  accepted = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  await run(200, HANDLER_BATCHES);
  const wallMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  await collector.close();
  const events = (HANDLER_BATCHES - 200) * BATCH;
  return { cpuNs: ((used.user + used.system) * 1e3) / events, wallNs: (wallMs * 1e6) / events, accepted };
}

const suite: Suite = {
  title: 'Collector scale-out: the Redis store against memory, and 1–3 collectors behind nginx',
  async run() {
    if (!existsSync(REDIS_SERVER) || !existsSync(NGINX)) {
      return { title: suite.title, rows: [], notes: [`skipped: needs ${REDIS_SERVER} and ${NGINX}`] };
    }
    setLogger(null);
    const started: Started[] = [];
    try {
      const redis = await startRedis();
      started.push(redis);
      const url = `redis://127.0.0.1:${redis.port}`;
      // interleaved, best of 3 each: other processes on a shared machine only ever add time
      const best = { memory: [] as StoreCost[], redis: [] as StoreCost[] };
      for (let round = 0; round < 3; round++) {
        best.memory.push(await storeCost(memoryStore()));
        best.redis.push(await storeCost(redisStore({ url, prefix: `bench-${uuidv7()}:` })));
      }
      const min = (costs: StoreCost[], key: 'cpuNs' | 'wallNs') => Math.min(...costs.map((c) => c[key]));
      const expected = (HANDLER_BATCHES - 200) * BATCH;
      const lost = [...best.memory, ...best.redis].filter((c) => c.accepted !== expected).length;

      // 1, 2 and 3 collector processes behind nginx
      const prefix = `scale-${uuidv7()}:`;
      const collectors = await Promise.all(['c1', 'c2', 'c3'].map((node) => startCollector(node, url, prefix)));
      started.push(...collectors);
      const throughput: { n: number; eventsPerSecond: number; failed: number; accepted: number }[] = [];
      for (const n of [1, 2, 3]) {
        const nginx = await startNginx(collectors.slice(0, n).map((c) => c.port));
        await runLoad(nginx.port, 200, BATCH, HTTP_CONCURRENCY, `warm-${n}-${prefix}`);
        const load = await runLoad(nginx.port, HTTP_BATCHES, BATCH, HTTP_CONCURRENCY, `run-${n}-${prefix}`);
        await nginx.stop();
        throughput.push({
          n,
          eventsPerSecond: (HTTP_BATCHES * BATCH) / (load.wallMs / 1000),
          failed: load.failed,
          accepted: load.accepted,
        });
      }
      // a collector that found Redis slower than its timeoutMs answered per process: say so
      const fallbacks = await Promise.all(
        collectors.map(async (c) => {
          const res = await fetch(`http://127.0.0.1:${c.port}/v1/stats`, {
            headers: { authorization: 'Bearer bench-admin' },
          });
          return ((await res.json()) as { store: { fallbacks: number } }).store.fallbacks;
        }),
      );
      const rows: Row[] = [
        { name: 'memory store: handler, collector CPU per event', nsPerOp: min(best.memory, 'cpuNs') },
        {
          name: 'redis store: handler, collector CPU per event',
          nsPerOp: min(best.redis, 'cpuNs'),
          versus: { name: 'memory store: handler, collector CPU per event', target: 'cost of the Redis path' },
        },
        { name: 'memory store: handler, wall per event (8 in flight)', nsPerOp: min(best.memory, 'wallNs') },
        {
          name: 'redis store: handler, wall per event (8 in flight)',
          nsPerOp: min(best.redis, 'wallNs'),
          versus: { name: 'memory store: handler, wall per event (8 in flight)', target: 'Redis round trips' },
        },
        ...throughput.map((t) => ({
          name: `${t.n} collector${t.n > 1 ? 's' : ''} behind nginx, wall per event`,
          nsPerOp: 1e9 / t.eventsPerSecond,
          ...(t.n > 1 ? { versus: { name: '1 collector behind nginx, wall per event', target: 'scaling' } } : {}),
        })),
      ];
      return {
        title: suite.title,
        rows,
        notes: [
          `Handler: ${HANDLER_BATCHES - 200} batches of ${BATCH} per store, best of 3 interleaved rounds; ` +
            `rounds that did not accept every event: ${lost}.`,
          `Behind nginx (${HTTP_BATCHES} batches of ${BATCH}, ${HTTP_CONCURRENCY} in flight, Redis store): ` +
            throughput
              .map(
                (t) =>
                  `${t.n} collector${t.n > 1 ? 's' : ''} ${Math.round(t.eventsPerSecond).toLocaleString('en')} events/s ` +
                  `(accepted ${t.accepted}, failed requests ${t.failed})`,
              )
              .join('; ') +
            `. Operations answered per process because Redis was slower than timeoutMs, per collector: ${fallbacks.join(', ')}.`,
        ],
      };
    } finally {
      for (const s of started.reverse()) await s.stop();
    }
  },
};

export default suite;
