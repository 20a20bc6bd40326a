// Real processes for the collector scale-out suite: a redis-server, collector processes sharing
// it through `redisStore`, nginx in front (docs/ops/nginx-collectors.conf with this run's ports),
// and a load generator; all on free loopback ports, each stopped by its PID.
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, reachable } from '../scripts/free-port.mjs';

export const REDIS_SERVER = process.env.REDIS_SERVER_PATH ?? '/usr/bin/redis-server';
export const NGINX = process.env.NGINX_PATH ?? '/usr/sbin/nginx';

async function untilReachable(port: number, child: ChildProcess, what: string): Promise<void> {
  for (let waited = 0; !(await reachable(port)); waited += 20) {
    if (waited > 20_000 || child.exitCode !== null) throw new Error(`${what} did not start`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A started process: its port, and a stop by PID that waits for the exit. */
export interface Started {
  readonly port: number;
  stop(): Promise<void>;
}

function stopper(child: ChildProcess, cleanup?: () => void): () => Promise<void> {
  return async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    cleanup?.();
  };
}

/** redis-server without persistence on a free port. */
export async function startRedis(): Promise<Started> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'isotel-bench-redis-'));
  const child = spawn(
    REDIS_SERVER,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
    { stdio: 'ignore' },
  );
  await untilReachable(port, child, 'redis-server');
  return { port, stop: stopper(child, () => rmSync(dir, { recursive: true, force: true })) };
}

const COLLECTOR_MAIN = new URL('./scale-collector.ts', import.meta.url).pathname;

/** A collector process on the Redis store at `redisUrl`; resolves once it listens and reached Redis. */
export function startCollector(node: string, redisUrl: string, prefix: string): Promise<Started & { pid: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@isotel/source', COLLECTOR_MAIN], {
    env: { ...process.env, NODE_NAME: node, REDIS_URL: redisUrl, PREFIX: prefix },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = /\{"port":(\d+)\}/.exec(out);
      if (line !== null) resolve({ port: Number(line[1]), pid: child.pid ?? 0, stop: stopper(child) });
    });
    child.once('exit', (code) => {
      reject(new Error(`collector ${node} exited with ${code}`));
    });
  });
}

/** nginx with docs/ops/nginx-collectors.conf, its upstreams and listen port replaced by this run's. */
export async function startNginx(upstreams: readonly number[]): Promise<Started> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'isotel-bench-nginx-'));
  // nginx's worker (nobody) creates its temp dirs under the prefix
  chmodSync(dir, 0o755);
  const documented = readFileSync(new URL('../docs/ops/nginx-collectors.conf', import.meta.url), 'utf8');
  const servers = upstreams.map((p) => `    server 127.0.0.1:${p} max_fails=1 fail_timeout=2s;`).join('\n');
  const conf = documented
    .replace(/( {4}server 127\.0\.0\.1:\d+ [^\n]*\n)+/, `${servers}\n`)
    .replace(/listen 127\.0\.0\.1:\d+;/, `listen 127.0.0.1:${port};`);
  writeFileSync(join(dir, 'nginx.conf'), conf);
  const child = spawn(NGINX, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-g', 'daemon off;'], { stdio: 'ignore' });
  await untilReachable(port, child, 'nginx');
  return { port, stop: stopper(child, () => rmSync(dir, { recursive: true, force: true })) };
}

// The load generator, run in a child process so its cost is not billed to the collectors:
// keep-alive connections, `concurrency` requests in flight, batches of `batch` new events.
const LOADER = `
import http from 'node:http';
const [port, batches, concurrency, batch, tag] = process.argv.slice(1).map((v, i) => (i < 4 ? Number(v) : v));
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
const now = Date.now();
function body(n) {
  const events = [];
  for (let i = 0; i < batch; i++) events.push({ id: tag + '-' + n + '-' + i, name: 'checkout.payment.stop', time: now,
    measurements: { duration: 12.5 + i, amount: 99 }, metadata: { route: '/checkout', outcome: 'ok' } });
  return JSON.stringify({ clientId: 'bench-' + (n % 64), events });
}
const bodies = Array.from({ length: batches }, (_, n) => body(n));
let next = 0; let failed = 0; let accepted = 0;
function post(payload) {
  return new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', port, path: '/v1/events', method: 'POST', agent,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } }, (res) => {
      let text = '';
      res.on('data', (c) => { text += c; });
      res.on('end', () => { if (res.statusCode !== 200) failed++; else accepted += JSON.parse(text).accepted; resolve(); });
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
process.stdout.write(JSON.stringify({ wallMs, failed, accepted }));
`;

/** What one load run saw. */
export interface LoadResult {
  readonly wallMs: number;
  readonly failed: number;
  readonly accepted: number;
}

/** Posts `batches` batches of `batch` new events to `port`, `concurrency` at a time. */
export function runLoad(port: number, batches: number, batch: number, concurrency: number, tag: string) {
  return new Promise<LoadResult>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--input-type=module', '-e', LOADER, String(port), String(batches), String(concurrency), String(batch), tag],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    // bounded: a run that stalls (a collector stuck) fails the suite instead of hanging it
    const timer = setTimeout(() => child.kill('SIGKILL'), 180_000);
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code !== 0) reject(new Error(`load generator exited with ${code} (killed after 180 s if null)`));
      else resolve(JSON.parse(out) as LoadResult);
    });
  });
}
