import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '../../../id/uuidv7.js';
import { batch, Cluster } from './cluster.test-kit.js';
import { hasNginx } from './processes.test-kit.js';
import { hasRedis } from './redis-server.test-kit.js';

const marker = join(tmpdir(), `isotel-kill-${uuidv7()}`);
let cluster: Cluster;

beforeAll(async () => {
  if (!hasRedis || !hasNginx) return;
  // the first collector to re-emit an event of client "doomed" kills itself with SIGKILL, after
  // claiming the batch's ids and before delivering or confirming any of them
  cluster = await Cluster.start(3, {
    ISOTEL_PENDING_MS: '1500',
    ISOTEL_KILL_ON: 'clientId=doomed',
    ISOTEL_KILL_MARKER: marker,
  });
}, 60_000);

afterAll(async () => {
  await cluster?.stop();
  rmSync(marker, { force: true });
});

describe.skipIf(!hasRedis || !hasNginx)('a collector killed between claiming a batch and confirming it', () => {
  it('the retry through nginx waits out the pending claim, then stores the batch once; nothing else is lost or doubled', async () => {
    const sent: string[] = [];
    let accepted = 0;
    let duplicates = 0;
    const bodies: string[] = [];
    const send = async (clientId: string) => {
      const { body, ids } = batch(clientId, 10);
      bodies.push(body);
      sent.push(...ids);
      const result = await cluster.send(body);
      accepted += result.answer.accepted;
      duplicates += result.answer.duplicates;
      return result;
    };
    for (let i = 0; i < 9; i++) await send(`client-${i % 3}`);
    const doomed = await send('doomed');
    for (let i = 0; i < 9; i++) await send(`client-${i % 3}`);

    // a collector died mid-batch; the client's retry found its claim pending (503, Retry-After),
    // and was stored once the claim lapsed
    expect(existsSync(marker)).toBe(true);
    const killedPid = Number(readFileSync(marker, 'utf8'));
    const killedIndex = cluster.collectors.findIndex((c) => c.child.pid === killedPid);
    expect(killedIndex).toBeGreaterThanOrEqual(0);
    expect(doomed.retried).toEqual(['503 claim_pending']);
    expect(doomed.answer).toMatchObject({ accepted: 10, duplicates: 0 });
    expect([accepted, duplicates]).toEqual([190, 0]);

    // the killed collector comes back on its port; every batch is sent again: all duplicates
    await cluster.restart(killedIndex);
    for (const body of bodies) {
      const { answer } = await cluster.send(body);
      accepted += answer.accepted;
      duplicates += answer.duplicates;
    }
    expect([accepted, duplicates]).toEqual([190, 190]);

    // downstream: each event delivered exactly once across the processes, the killed one included
    const delivered = cluster.delivered();
    expect(delivered.length).toBe(190);
    expect(new Set(delivered)).toEqual(new Set(sent));
  }, 45_000);
});
