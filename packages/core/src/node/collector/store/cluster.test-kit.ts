// A scale-out topology of real processes for tests: redis-server, collector processes sharing
// it, nginx round-robin in front, all on free loopback ports and stopped by PID; every event a
// collector re-emits is appended to its sink file, so deliveries are counted across processes,
// killed ones included. `send` is a scripted client that retries as the browser exporter does.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IngestResponse } from '../../../export/record.js';
import { uuidv7 } from '../../../id/uuidv7.js';
import { CollectorProcess, Nginx } from './processes.test-kit.js';
import { RedisServer } from './redis-server.test-kit.js';

export const ADMIN = 'admin-secret';

/** A collector's `/v1/stats`, the fields the tests read. */
export interface NodeStats {
  readonly node: string;
  readonly accepted: number;
  readonly duplicates: number;
  readonly store: { readonly status: string; readonly fallbacks: number };
}

/** What one `send` saw: the final answer and every retryable answer before it. */
export interface Sent {
  readonly answer: IngestResponse;
  readonly retried: readonly string[];
}

export class Cluster {
  readonly redis: RedisServer;
  readonly dir: string;
  collectors: CollectorProcess[];
  readonly nginx: Nginx;

  private constructor(redis: RedisServer, dir: string, collectors: CollectorProcess[], nginx: Nginx) {
    this.redis = redis;
    this.dir = dir;
    this.collectors = collectors;
    this.nginx = nginx;
  }

  /** Redis, `nodes` collectors with `env` (each reaching Redis before nginx starts), nginx. */
  static async start(nodes: number, env: Record<string, string> = {}): Promise<Cluster> {
    const redis = await RedisServer.start();
    const dir = mkdtempSync(join(tmpdir(), 'isotel-cluster-'));
    const prefix = `p${uuidv7()}:`;
    const starting = Array.from({ length: nodes }, (_, i) =>
      CollectorProcess.start({
        ISOTEL_REDIS_URL: redis.url,
        ISOTEL_NODE: `c${i + 1}`,
        ISOTEL_PREFIX: prefix,
        ISOTEL_ADMIN_TOKEN: ADMIN,
        ISOTEL_SINK: join(dir, `c${i + 1}.sink`),
        ...env,
      }),
    );
    try {
      const collectors = await Promise.all(starting);
      for (const c of collectors) await untilUp(c.port);
      const nginx = await Nginx.start(collectors.map((c) => c.port));
      return new Cluster(redis, dir, collectors, nginx);
    } catch (error) {
      // a failed start leaves nothing running
      const started = await Promise.allSettled(starting);
      for (const s of started) if (s.status === 'fulfilled') await s.value.stop('SIGKILL');
      await redis.dispose();
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
  }

  /** Kills collector `index` with SIGKILL (if still running) and starts it again on its port. */
  async restart(index: number): Promise<void> {
    const old = this.collectors[index] as CollectorProcess;
    await old.stop('SIGKILL');
    const started = await old.restart();
    this.collectors[index] = started;
    await untilUp(started.port);
  }

  /** Every event id the collectors re-emitted, killed processes included. */
  delivered(): string[] {
    const ids: string[] = [];
    for (const c of this.collectors) {
      try {
        ids.push(
          ...readFileSync(c.env.ISOTEL_SINK as string, 'utf8')
            .split('\n')
            .filter(Boolean),
        );
      } catch {
        // nothing delivered by this one yet
      }
    }
    return ids;
  }

  /**
   * Posts `body` through nginx until it is answered 200, as the browser exporter does: a network
   * failure or a 502/503/504 is retried after its `Retry-After` (else 100 ms), at most 30 times.
   */
  async send(body: string, headers: Record<string, string> = {}): Promise<Sent> {
    const retried: string[] = [];
    for (let attempt = 0; attempt < 30; attempt++) {
      let status: number | string;
      let waitMs = 100;
      try {
        const res = await fetch(`${this.nginx.url}/v1/events`, {
          method: 'POST',
          body,
          headers: { 'content-type': 'application/json', ...headers },
        });
        const text = await res.text();
        if (res.status === 200) return { answer: JSON.parse(text) as IngestResponse, retried };
        if (![502, 503, 504].includes(res.status)) throw new Error(`${res.status}: ${text}`);
        status = `${res.status} ${/"code":"([a-z_]+)"/.exec(text)?.[1] ?? res.headers.get('content-type')}`;
        const after = Number(res.headers.get('retry-after'));
        if (after > 0) waitMs = after * 1000;
      } catch (error) {
        if (error instanceof Error && /^\d{3}:/.test(error.message)) throw error;
        status = 'network';
      }
      retried.push(status);
      await new Promise((r) => setTimeout(r, waitMs));
    }
    throw new Error(`not accepted after 30 attempts: ${retried.join(', ')}`);
  }

  /** Stops nginx, every collector and Redis by PID, and removes the sink files. */
  async stop(): Promise<void> {
    await this.nginx.stop();
    await Promise.all(this.collectors.map((c) => c.stop('SIGKILL')));
    await this.redis.dispose();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export async function nodeStats(port: number): Promise<NodeStats> {
  const res = await fetch(`http://127.0.0.1:${port}/v1/stats`, { headers: { authorization: `Bearer ${ADMIN}` } });
  return (await res.json()) as NodeStats;
}

/** Resolves once the collector on `port` reached Redis (it listens before); throws after 10 s. */
export async function untilUp(port: number): Promise<void> {
  const up = () =>
    nodeStats(port).then(
      (s) => s.store.status === 'up',
      () => false,
    );
  for (let waited = 0; !(await up()); waited += 20) {
    if (waited > 10_000) throw new Error(`collector on ${port} did not reach Redis`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A batch body of `size` new events for `clientId`. */
export function batch(clientId: string, size: number): { body: string; ids: string[] } {
  const events = Array.from({ length: size }, () => ({
    id: uuidv7(),
    name: 'cart.add',
    time: Date.now(),
    measurements: { n: 1 },
  }));
  return { body: JSON.stringify({ clientId, events }), ids: events.map((e) => e.id) };
}
