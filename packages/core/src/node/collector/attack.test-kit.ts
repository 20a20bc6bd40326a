// What the attack suite shares: the attacked collector in a child process (stopped by its PID),
// its RSS, a well-behaved client timing its batches, and raw sockets bound to other loopback
// addresses (127.0.0.0/8 is all loopback on Linux) so the attacker is a different address.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { uuidv7 } from '../../id/uuidv7.js';

/** The attacked collector process. */
export interface AttackedServer {
  readonly port: number;
  readonly pid: number;
  readonly ingestToken: string;
  readonly adminToken: string;
  /** Resident memory now, in MiB (from /proc). */
  rssMiB(): number;
  /** SIGTERM by PID, SIGKILL after 5 s; resolves once it exited. */
  stop(): Promise<void>;
}

const SERVER = fileURLToPath(new URL('./attack-server.test-kit.ts', import.meta.url));

/** Starts the production-configured collector in its own process; rejects after 20 s. */
export async function startAttackedServer(): Promise<AttackedServer> {
  const ingestToken = randomBytes(16).toString('hex');
  const adminToken = randomBytes(16).toString('hex');
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', SERVER], {
    env: { ...process.env, ISOTEL_INGEST_TOKEN: ingestToken, ISOTEL_ADMIN_TOKEN: adminToken },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const pid = child.pid as number;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('the attacked collector did not start in 20 s')), 20_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = /^\{"port":(\d+)\}$/m.exec(out);
      if (line !== null) {
        clearTimeout(timer);
        resolve(Number(line[1]));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the attacked collector exited with ${code}`));
    });
  });
  return {
    port,
    pid,
    ingestToken,
    adminToken,
    rssMiB() {
      const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
      return Number(kb) / 1024;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      process.kill(pid, 'SIGTERM');
      const killer = setTimeout(() => {
        if (child.exitCode === null) process.kill(pid, 'SIGKILL');
      }, 5000);
      await exited;
      clearTimeout(killer);
    },
  };
}

/** Samples a process's RSS every 50 ms until stopped; the peak, in MiB. */
export function watchRss(server: AttackedServer): { stop(): number } {
  let peak = server.rssMiB();
  const timer = setInterval(() => {
    peak = Math.max(peak, server.rssMiB());
  }, 50);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, server.rssMiB());
    },
  };
}

/** One valid catalog event. */
export function cartEvent() {
  return {
    id: uuidv7(),
    name: 'cart.item.added',
    time: Date.now(),
    measurements: { count: 1 },
    metadata: { sku: 'A-1' },
  };
}

/** Answer of a request: status, body text, milliseconds. */
export interface Answer {
  readonly status: number;
  readonly text: string;
  readonly ms: number;
}

const goodAgent = new Agent({ keepAlive: true, maxSockets: 1 });

/** A request over node:http from `localAddress` (127.0.0.1 unless given). */
export function send(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
  localAddress = '127.0.0.1',
): Promise<Answer> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        headers,
        localAddress,
        agent: localAddress === '127.0.0.1' ? goodAgent : false,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text, ms: performance.now() - started }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Statuses and latencies of the well-behaved client's batches. */
export interface GoodRun {
  readonly statuses: readonly number[];
  readonly latencies: readonly number[];
}

/**
 * The well-behaved client: `count` one-event batches from 127.0.0.1, one every `gapMs`, each
 * timed. Its own rate (well under the defaults) never limits it.
 */
export async function wellBehaved(server: AttackedServer, count: number, gapMs: number): Promise<GoodRun> {
  const statuses: number[] = [];
  const latencies: number[] = [];
  const headers = { authorization: `Bearer ${server.ingestToken}`, 'content-type': 'application/json' };
  for (let i = 0; i < count; i++) {
    const next = performance.now() + gapMs;
    const body = JSON.stringify({ clientId: 'good-client', events: [cartEvent()] });
    try {
      const answer = await send(server.port, 'POST', '/v1/events', headers, body);
      statuses.push(answer.status);
      latencies.push(answer.ms);
    } catch {
      statuses.push(0);
    }
    const wait = next - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  return { statuses, latencies };
}

/** The q-quantile of some figures (nearest rank). */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] as number;
}

/** A raw connection from `localAddress`, collecting what the server writes. */
export interface RawConnection {
  readonly socket: Socket;
  readonly closed: Promise<void>;
  /** Everything received so far, as latin1 text. */
  received(): string;
  /** Status codes of the answers received so far, in order. */
  statuses(): number[];
}

/** Opens a raw TCP connection to the server from `localAddress`. */
export function rawConnection(port: number, localAddress: string): Promise<RawConnection> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1', localAddress });
    let text = '';
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
    });
    const closed = new Promise<void>((done) => socket.once('close', () => done()));
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.off('error', reject);
      socket.on('error', () => undefined);
      resolve({
        socket,
        closed,
        received: () => text,
        statuses: () => [...text.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => Number(m[1])),
      });
    });
  });
}

/** What a flood sends: from which loopback address, how many parallel senders, for how long. */
export interface FloodPlan {
  readonly from: string;
  readonly lanes: number;
  /** Size of each body: an empty batch padded with spaces to this many bytes (0: not padded). */
  readonly bodyBytes: number;
  /** A new client id per batch (the per-address limit), else one id (the per-client limit). */
  readonly rotateIds: boolean;
  readonly durationMs: number;
}

// The flood runs in a process of its own, so making its bodies does not slow the good client.
const FLOOD = `
const { request } = require('node:http');
const plan = JSON.parse(process.env.FLOOD_PLAN);
const counts = {};
const started = Date.now();
function body(id) {
  const head = '{"clientId":"' + id + '","events":[]';
  return plan.bodyBytes === 0 ? head + '}' : head + ' '.repeat(plan.bodyBytes - head.length - 1) + '}';
}
function post(text) {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port: plan.port, method: 'POST', path: '/v1/events', localAddress: plan.from,
      agent: false, headers: { authorization: 'Bearer ' + plan.token, 'content-type': 'application/json' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
      res.on('error', () => resolve(0));
    });
    req.on('error', () => resolve(0));
    req.end(text);
  });
}
async function lane(n) {
  for (let i = 0; Date.now() - started < plan.durationMs; i++) {
    const status = await post(body(plan.rotateIds ? 'flood-' + n + '-' + i : 'one-client'));
    counts[status] = (counts[status] || 0) + 1;
  }
}
Promise.all(Array.from({ length: plan.lanes }, (_, n) => lane(n))).then(() => {
  process.stdout.write(JSON.stringify(counts));
});
`;

/** Runs a flood of ingest posts in a child process; resolves with the count of each status. */
export function flood(server: AttackedServer, plan: FloodPlan): Promise<Record<string, number>> {
  const child = spawn(process.execPath, ['-e', FLOOD], {
    env: { ...process.env, FLOOD_PLAN: JSON.stringify({ ...plan, port: server.port, token: server.ingestToken }) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  const killer = setTimeout(() => {
    if (child.exitCode === null && child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
  }, plan.durationMs + 15_000);
  return new Promise((resolve, reject) => {
    child.once('exit', () => {
      clearTimeout(killer);
      try {
        resolve(JSON.parse(out) as Record<string, number>);
      } catch {
        reject(new Error(`the flood process gave no counts: ${out}`));
      }
    });
  });
}
