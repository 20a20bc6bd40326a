// Collector ingest: batches of 100 valid events, full validation, dedupe and re-emit on a bus
// with one handler attached. Over loopback HTTP the load comes from a child process (so its
// cost is not billed to the collector), and the collector's own CPU time is measured too: the
// target is ≥ 100k events/s on one core. The web-standard handler alone is timed for comparison.
import { spawn } from 'node:child_process';
import { createTelemetry, setLogger, uuidv7 } from '@isotel/core';
import { createCollector } from '@isotel/core/node';
import type { Row, Suite } from '../harness.js';
import { ingestBatch } from '../ingest-batch.js';

const BATCH = 100;
const WARMUP_BATCHES = 300;
const HTTP_BATCHES = 2000;
const HANDLER_BATCHES = 1000;
const CONCURRENCY = 8;

// The load generator, run in a child process: keep-alive connections, CONCURRENCY requests in
// flight, per-request latency recorded. Plain JS so it needs no loader.
const LOADER = `
import http from 'node:http';
const [port, batches, concurrency, batch, tag] = process.argv.slice(1).map((v, i) => (i < 4 ? Number(v) : v));
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
const now = Date.now();
function body(n) {
  const events = [];
  for (let i = 0; i < batch; i++) events.push({ id: tag + '-' + n + '-' + i, name: 'checkout.payment.stop', time: now,
    measurements: { duration: 12.5 + i, amount: 99 }, metadata: { route: '/checkout', outcome: 'ok', attempt: 1 },
    correlationId: 'c0ffee', spanId: 's-' + i });
  return JSON.stringify({ clientId: 'bench-client', sessionId: 'bench-session', events });
}
const bodies = Array.from({ length: batches }, (_, n) => body(n));
const latencies = [];
let next = 0; let failed = 0;
function post(payload) {
  return new Promise((resolve) => {
    const started = performance.now();
    const req = http.request({ host: '127.0.0.1', port, path: '/v1/events', method: 'POST', agent,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } }, (res) => {
      res.resume();
      res.on('end', () => { if (res.statusCode !== 200) failed++; latencies.push(performance.now() - started); resolve(); });
    });
    req.on('error', () => { failed++; resolve(); });
    req.end(payload);
  });
}
async function worker() { while (next < bodies.length) await post(bodies[next++]); }
const started = performance.now();
await Promise.all(Array.from({ length: concurrency }, worker));
const wallMs = performance.now() - started;
agent.destroy();
process.stdout.write(JSON.stringify({ wallMs, latencies, failed }));
`;

interface LoadResult {
  readonly wallMs: number;
  readonly latencies: number[];
  readonly failed: number;
}

function runLoad(port: number, batches: number, tag: string): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--input-type=module', '-e', LOADER, String(port), String(batches), String(CONCURRENCY), String(BATCH), tag],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`load generator exited with ${code}`));
      else resolve(JSON.parse(out) as LoadResult);
    });
  });
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? Number.NaN;
}

const suite: Suite = {
  title: 'Collector ingest (batches of 100, validated, deduped, re-emitted)',
  async run() {
    setLogger(null);
    const telemetry = createTelemetry();
    let received = 0;
    telemetry.attach('bench-sink', 'checkout.**', () => {
      received++;
    });
    const collector = createCollector({ telemetry, rateLimit: false, node: 'bench' });

    const origin = 'http://127.0.0.1';
    const prefix = uuidv7();
    const bodies = Array.from({ length: HANDLER_BATCHES }, (_, n) => ingestBatch(prefix, n, BATCH, 'bench-client'));

    // the floor: only JSON.parse of the same bodies, which any JSON collector must pay
    let parsed = 0;
    const parseCpu = process.cpuUsage();
    for (let n = 100; n < HANDLER_BATCHES; n++)
      parsed += (JSON.parse(bodies[n] as string) as { events: [] }).events.length;
    const parse = process.cpuUsage(parseCpu);
    const parseNsPerEvent = ((parse.user + parse.system) * 1e3) / parsed;

    // the handler alone: Request in, Response out, no sockets
    for (let n = 0; n < 100; n++) {
      await (
        await collector.handler(new Request(`${origin}/v1/events`, { method: 'POST', body: bodies[n] as string }))
      ).text();
    }
    // CPU time, not wall time: on a shared machine the wall clock also counts other processes
    const handlerCpu = process.cpuUsage();
    for (let n = 100; n < HANDLER_BATCHES; n++) {
      await (
        await collector.handler(new Request(`${origin}/v1/events`, { method: 'POST', body: bodies[n] as string }))
      ).text();
    }
    const { user, system } = process.cpuUsage(handlerCpu);
    const handlerNsPerEvent = ((user + system) * 1e3) / ((HANDLER_BATCHES - 100) * BATCH);

    // over loopback HTTP, load from a child process
    const server = await collector.listen(0, '127.0.0.1');
    await runLoad(server.port, WARMUP_BATCHES, `warm-${prefix}`);
    const cpuBefore = process.cpuUsage();
    const load = await runLoad(server.port, HTTP_BATCHES, `run-${prefix}`);
    const cpu = process.cpuUsage(cpuBefore);
    const events = HTTP_BATCHES * BATCH;
    const serverCpuMs = (cpu.user + cpu.system) / 1000;
    const stats = collector.stats();
    await collector.close();

    const sorted = load.latencies.sort((a, b) => a - b);
    const wallNsPerEvent = (load.wallMs * 1e6) / events;
    const cpuNsPerEvent = (serverCpuMs * 1e6) / events;
    const rows: Row[] = [
      { name: 'target: 100k events/s on one core', nsPerOp: 10_000 },
      { name: 'JSON.parse of the batch alone (floor), CPU per event', nsPerOp: parseNsPerEvent },
      {
        name: 'handler alone (no HTTP), CPU per event',
        nsPerOp: handlerNsPerEvent,
        versus: { name: 'JSON.parse of the batch alone (floor), CPU per event', target: 'validation + dedupe + emit' },
      },
      {
        name: 'HTTP loopback, collector CPU per event',
        nsPerOp: cpuNsPerEvent,
        versus: { name: 'target: 100k events/s on one core', maxRatio: 1 },
      },
      {
        name: 'HTTP loopback, collector CPU per event ',
        nsPerOp: cpuNsPerEvent,
        versus: { name: 'handler alone (no HTTP), CPU per event', target: 'HTTP overhead' },
      },
      {
        name: 'HTTP loopback, wall time per event',
        nsPerOp: wallNsPerEvent,
      },
    ];
    return {
      title: suite.title,
      rows,
      notes: [
        `HTTP: ${events} events in ${HTTP_BATCHES} requests, ${CONCURRENCY} in flight: ` +
          `${Math.round(events / (load.wallMs / 1000)).toLocaleString('en')} events/s wall, ` +
          `${Math.round(events / (serverCpuMs / 1000)).toLocaleString('en')} events/s per collector CPU-second; ` +
          `latency per batch p50 ${percentile(sorted, 0.5).toFixed(2)} ms, p99 ${percentile(sorted, 0.99).toFixed(2)} ms; ` +
          `failed ${load.failed}.`,
        `Handler alone: ${Math.round(1e9 / handlerNsPerEvent).toLocaleString('en')} events/s per CPU-second. ` +
          `Accepted ${stats.accepted}, re-emitted ${received}, duplicates ${stats.duplicates}.`,
      ],
    };
  },
};

export default suite;
