import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IngestResponse } from '../../../export/record.js';
import { uuidv7 } from '../../../id/uuidv7.js';
import { CollectorProcess, hasNginx, Nginx } from './processes.test-kit.js';
import { hasRedis, RedisServer } from './redis-server.test-kit.js';

const ADMIN = 'admin-secret';
let redis: RedisServer;
let collectors: CollectorProcess[] = [];
let nginx: Nginx | undefined;

beforeAll(async () => {
  if (!hasRedis || !hasNginx) return;
  redis = await RedisServer.start();
  const prefix = `p${uuidv7()}:`;
  collectors = await Promise.all(
    ['c1', 'c2', 'c3'].map((node) =>
      CollectorProcess.start({
        ISOTEL_REDIS_URL: redis.url,
        ISOTEL_NODE: node,
        ISOTEL_PREFIX: prefix,
        ISOTEL_ADMIN_TOKEN: ADMIN,
      }),
    ),
  );
  // a collector listens before its store has reached Redis (it would answer per process): wait
  for (const c of collectors) {
    for (let waited = 0; (await stats(c.port)).store.status !== 'up'; waited += 20) {
      if (waited > 10_000) throw new Error(`collector on ${c.port} did not reach Redis`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  nginx = await Nginx.start(collectors.map((c) => c.port));
}, 60_000);

afterAll(async () => {
  await nginx?.stop();
  await Promise.all(collectors.map((c) => c.stop('SIGKILL')));
  await redis?.dispose();
});

interface Stats {
  readonly node: string;
  readonly accepted: number;
  readonly duplicates: number;
  readonly store: { readonly status: string };
}

async function stats(port: number): Promise<Stats> {
  const res = await fetch(`http://127.0.0.1:${port}/v1/stats`, { headers: { authorization: `Bearer ${ADMIN}` } });
  return (await res.json()) as Stats;
}

function batch(clientId: string, size: number) {
  const events = Array.from({ length: size }, () => ({
    id: uuidv7(),
    name: 'cart.add',
    time: Date.now(),
    measurements: { n: 1 },
  }));
  return JSON.stringify({ clientId, events });
}

async function post(body: string): Promise<{ status: number; body: IngestResponse }> {
  const res = await fetch(`${nginx?.url}/v1/events`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json' },
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${res.status} from ${res.headers.get('server') ?? 'a collector'}: ${text}`);
  return { status: res.status, body: JSON.parse(text) as IngestResponse };
}

describe.skipIf(!hasRedis || !hasNginx)('three collector processes behind nginx, sharing Redis', () => {
  it('a batch sent twice through the round-robin is accepted once across the collectors', async () => {
    const bodies = Array.from({ length: 30 }, (_, i) => batch(`client-${i % 5}`, 10));
    let accepted = 0;
    let duplicates = 0;
    for (const body of bodies) {
      for (let attempt = 0; attempt < 2; attempt++) {
        const { status, body: answer } = await post(body);
        expect(status, JSON.stringify(answer)).toBe(200);
        accepted += answer.accepted;
        duplicates += answer.duplicates;
      }
    }
    expect([accepted, duplicates]).toEqual([300, 300]);
    const all = await Promise.all(collectors.map((c) => stats(c.port)));
    // the collectors' own counts agree with the answers, however nginx spread the requests
    expect(all.reduce((n, s) => n + s.accepted, 0)).toBe(300);
    expect(all.reduce((n, s) => n + s.duplicates, 0)).toBe(300);
  });

  it('a collector killed with SIGKILL: nginx sends its share to the others, nothing is accepted twice', async () => {
    const [killed, ...alive] = collectors as [CollectorProcess, ...CollectorProcess[]];
    const before = await Promise.all(alive.map((c) => stats(c.port)));
    await killed.stop('SIGKILL');
    const bodies = Array.from({ length: 20 }, (_, i) => batch(`client-${i % 5}`, 10));
    let accepted = 0;
    let duplicates = 0;
    for (const body of [...bodies, ...bodies]) {
      const { status, body: answer } = await post(body);
      expect(status, JSON.stringify(answer)).toBe(200);
      accepted += answer.accepted;
      duplicates += answer.duplicates;
    }
    expect([accepted, duplicates]).toEqual([200, 200]);
    const after = await Promise.all(alive.map((c) => stats(c.port)));
    const gained = (key: 'accepted' | 'duplicates') =>
      after.reduce((n, s, i) => n + s[key] - (before[i] as Stats)[key], 0);
    expect([gained('accepted'), gained('duplicates')]).toEqual([200, 200]);
  });
});
