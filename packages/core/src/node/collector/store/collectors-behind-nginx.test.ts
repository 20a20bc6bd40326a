import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batch, Cluster, type NodeStats, nodeStats } from './cluster.test-kit.js';
import { hasNginx } from './processes.test-kit.js';
import { hasRedis } from './redis-server.test-kit.js';

let cluster: Cluster;

beforeAll(async () => {
  if (!hasRedis || !hasNginx) return;
  cluster = await Cluster.start(3);
}, 60_000);

afterAll(async () => {
  await cluster?.stop();
});

// one POST through nginx that must be answered 200 at once (no retry)
async function postOnce(body: string): Promise<{ accepted: number; duplicates: number }> {
  const res = await fetch(`${cluster.nginx.url}/v1/events`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json' },
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${res.status} from ${res.headers.get('server') ?? 'a collector'}: ${text}`);
  return JSON.parse(text) as { accepted: number; duplicates: number };
}

describe.skipIf(!hasRedis || !hasNginx)('three collector processes behind nginx, sharing Redis', () => {
  it('a batch sent twice through the round-robin is accepted once across the collectors', async () => {
    const bodies = Array.from({ length: 30 }, (_, i) => batch(`client-${i % 5}`, 10).body);
    let accepted = 0;
    let duplicates = 0;
    for (const body of bodies) {
      for (let attempt = 0; attempt < 2; attempt++) {
        const answer = await postOnce(body);
        accepted += answer.accepted;
        duplicates += answer.duplicates;
      }
    }
    expect([accepted, duplicates]).toEqual([300, 300]);
    const all = await Promise.all(cluster.collectors.map((c) => nodeStats(c.port)));
    // the collectors' own counts agree with the answers, however nginx spread the requests
    expect(all.reduce((n, s) => n + s.accepted, 0)).toBe(300);
    expect(all.reduce((n, s) => n + s.duplicates, 0)).toBe(300);
  });

  it('a collector killed with SIGKILL: nginx sends its share to the others, nothing is accepted twice', async () => {
    const [killed, ...alive] = cluster.collectors;
    const before = await Promise.all(alive.map((c) => nodeStats(c.port)));
    await killed?.stop('SIGKILL');
    const bodies = Array.from({ length: 20 }, (_, i) => batch(`client-${i % 5}`, 10).body);
    let accepted = 0;
    let duplicates = 0;
    for (const body of [...bodies, ...bodies]) {
      const answer = await postOnce(body);
      accepted += answer.accepted;
      duplicates += answer.duplicates;
    }
    expect([accepted, duplicates]).toEqual([200, 200]);
    const after = await Promise.all(alive.map((c) => nodeStats(c.port)));
    const gained = (key: 'accepted' | 'duplicates') =>
      after.reduce((n, s, i) => n + s[key] - (before[i] as NodeStats)[key], 0);
    expect([gained('accepted'), gained('duplicates')]).toEqual([200, 200]);
  });
});
