// An outsider holding the public ingest token attacks a collector set up as the docs say for
// production, in its own process, while a well-behaved client keeps sending one batch at a time
// from another loopback address. Each attack is bounded in time and count; the figures (the
// good client's latency, the server's RSS) are written to $ISOTEL_ATTACK_REPORT when it is set.
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '../../id/uuidv7.js';
import { samples } from '../prometheus/prometheus.test-kit.js';
import {
  type AttackedServer,
  cartEvent,
  flood,
  type GoodRun,
  quantile,
  rawConnection,
  send,
  startAttackedServer,
  watchRss,
  wellBehaved,
} from './attack.test-kit.js';

const MiB = 1024 * 1024;
const figures: Record<string, unknown> = {};

function summary(run: GoodRun) {
  const ok = run.statuses.filter((s) => s === 200).length;
  return {
    ok: `${ok}/${run.statuses.length}`,
    statuses: [...new Set(run.statuses)],
    medianMs: Number(quantile(run.latencies, 0.5).toFixed(1)),
    p95Ms: Number(quantile(run.latencies, 0.95).toFixed(1)),
  };
}

function counts(statuses: readonly number[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of statuses) out[s] = (out[s] ?? 0) + 1;
  return out;
}

const sum = (byStatus: Record<string, number>) => Object.values(byStatus).reduce((a, b) => a + b, 0);

const within = <T>(promise: Promise<T>, ms: number) =>
  Promise.race([promise, new Promise<undefined>((r) => setTimeout(() => r(undefined), ms))]);

describe('attacks on a production-configured collector', () => {
  let server: AttackedServer;
  let ingest: Record<string, string>;

  beforeAll(async () => {
    server = await startAttackedServer();
    ingest = { authorization: `Bearer ${server.ingestToken}`, 'content-type': 'application/json' };
  }, 30_000);

  afterAll(async () => {
    await server?.stop();
    const path = process.env.ISOTEL_ATTACK_REPORT;
    if (path !== undefined) writeFileSync(path, `${JSON.stringify(figures, null, 2)}\n`);
  }, 15_000);

  it('baseline: the well-behaved client alone', async () => {
    const run = await wellBehaved(server, 20, 50);
    figures.baseline = { ...summary(run), rssMiB: Math.round(server.rssMiB()) };
    expect(run.statuses).toEqual(Array(20).fill(200));
  }, 10_000);

  it('70 uploads stalled by one address leave the others at 200 and are cut within seconds', async () => {
    const before = server.rssMiB();
    const rss = watchRss(server);
    const attackers = await Promise.all(Array.from({ length: 70 }, () => rawConnection(server.port, '127.0.0.2')));
    const started = performance.now();
    for (const a of attackers) {
      a.socket.write(
        `POST /v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${server.ingestToken}\r\n` +
          `Content-Type: application/json\r\nContent-Length: ${MiB}\r\n\r\n{`,
      );
    }
    const drip = setInterval(() => {
      for (const a of attackers) if (!a.socket.destroyed) a.socket.write(' ');
    }, 1000);
    const good = await wellBehaved(server, 8, 500);
    clearInterval(drip);
    await within(Promise.all(attackers.map((a) => a.closed)), 3000);
    const cutAfterMs = performance.now() - started;
    const statuses = attackers.map((a) => a.statuses()[0] ?? 0);
    for (const a of attackers) a.socket.destroy();
    figures.stalledUploads = {
      good: summary(good),
      attacker: counts(statuses),
      allCutWithinMs: Math.round(cutAfterMs),
      rssMiB: { before: Math.round(before), peak: Math.round(rss.stop()) },
    };
    expect(good.statuses).toEqual(Array(8).fill(200));
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0); // past the address's share, unread
    expect(statuses.filter((s) => s === 408).length).toBeGreaterThan(0); // under the minimum rate
    expect(statuses.every((s) => s === 429 || s === 408)).toBe(true);
  }, 20_000);

  it('an upload slower than the minimum rate is cut with 408 body_too_slow long before the body timeout', async () => {
    const slow = await rawConnection(server.port, '127.0.0.3');
    const started = performance.now();
    slow.socket.write(
      `POST /v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${server.ingestToken}\r\n` +
        `Content-Length: ${64 * 1024}\r\n\r\n{"clientId":"slow","events":[`,
    );
    const drip = setInterval(() => {
      if (!slow.socket.destroyed) slow.socket.write(' '.repeat(1024));
    }, 1000);
    await within(slow.closed, 8000);
    clearInterval(drip);
    const cutMs = performance.now() - started;
    slow.socket.destroy();
    figures.slowUpload = { status: slow.statuses()[0] ?? 0, cutAfterMs: Math.round(cutMs) };
    expect(slow.statuses()[0]).toBe(408);
    expect(slow.received()).toContain('body_too_slow');
    expect(cutMs).toBeLessThan(5000);
  }, 15_000);

  it('forged library events neither reach the server-health series nor inflate /metrics', async () => {
    const long = () => `${uuidv7()}.attack.${'x'.repeat(980)}`;
    const failure = (handlerId: string) => ({
      id: uuidv7(),
      name: 'telemetry.handler.failure',
      time: Date.now(),
      measurements: { count: 1 },
      metadata: { handlerId, event: 'app.tick', error: 'forged' },
    });
    const flush = () => ({
      id: uuidv7(),
      name: 'isotel.exporter.flush',
      time: Date.now(),
      measurements: { events: 1, duration: 10 },
      metadata: { outcome: long() },
    });
    const batches = [
      Array.from({ length: 500 }, (_, i) => failure(i === 0 ? 'attack.audit' : long())),
      Array.from({ length: 500 }, () => failure(long())),
      Array.from({ length: 500 }, flush),
      Array.from({ length: 500 }, flush),
    ];
    const answers = [];
    for (const events of batches) {
      const body = JSON.stringify({ clientId: `forger-${uuidv7()}`, events });
      answers.push((await send(server.port, 'POST', '/v1/events', ingest, body, '127.0.0.4')).status);
    }
    // the collector's own events are reserved: refused per event, the batch answered 422
    const own = JSON.stringify({
      clientId: 'forger',
      events: [{ id: uuidv7(), name: 'isotel.collector.ingest', time: Date.now(), measurements: { accepted: 1e9 } }],
    });
    const forgedOwn = await send(server.port, 'POST', '/v1/events', ingest, own, '127.0.0.4');
    const scrape = await send(server.port, 'GET', '/metrics', {});
    const longestLabel = Math.max(0, ...[...scrape.text.matchAll(/="([^"]*)"/g)].map((m) => (m[1] as string).length));
    figures.forgedEvents = {
      batches: answers,
      metricsBytes: scrape.text.length,
      scrapeMs: Number(scrape.ms.toFixed(1)),
      longestLabel,
      attackAuditSeries: scrape.text.includes('attack.audit'),
    };
    expect(answers).toEqual([200, 200, 200, 200]);
    expect(forgedOwn.status).toBe(422);
    expect(forgedOwn.text).toContain('reserved_name');
    expect(scrape.status).toBe(200);
    expect(scrape.text).not.toContain('attack.audit');
    const exposed = samples(scrape.text);
    expect([...exposed.keys()].filter((k) => k.startsWith('telemetry_handler_failures_total'))).toEqual([]);
    expect(exposed.get('isotel_collector_accepted_total')).toBeLessThan(1e9);
    // flush latency is the clients' own report: kept, with its outcome label held to a fixed set
    expect(exposed.get('isotel_exporter_flush_duration_seconds_count{outcome="other"}')).toBe(1000);
    expect(longestLabel).toBeLessThanOrEqual(128);
    expect(scrape.text.length).toBeLessThan(64 * 1024);
  }, 20_000);

  it('pipelined GET /metrics are answered one at a time, and a connection that piles them up is closed', async () => {
    const polite = await rawConnection(server.port, '127.0.0.5');
    polite.socket.write('GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n'.repeat(10));
    for (let waited = 0; polite.statuses().length < 10 && waited < 5000; waited += 20) {
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(polite.statuses()).toEqual(Array(10).fill(200));
    polite.socket.destroy();

    const before = server.rssMiB();
    const rss = watchRss(server);
    const greedy = await rawConnection(server.port, '127.0.0.5');
    greedy.socket.pause(); // never reads its answers
    greedy.socket.write('GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n'.repeat(100));
    const good = await wellBehaved(server, 10, 100);
    const closed = await within(
      greedy.closed.then(() => true),
      2000,
    );
    greedy.socket.destroy();
    const peak = rss.stop();
    figures.pipelinedMetrics = {
      good: summary(good),
      serverClosedGreedyConnection: closed === true,
      rssMiB: { before: Math.round(before), peak: Math.round(peak), growth: Math.round(peak - before) },
    };
    expect(good.statuses).toEqual(Array(10).fill(200));
    expect(closed).toBe(true);
    expect(peak - before).toBeLessThan(64);
  }, 20_000);

  it('hostile ids are refused the same way on every route', async () => {
    const stream = (clientId: string) =>
      send(
        server.port,
        'GET',
        `/v1/stream?clientId=${encodeURIComponent(clientId)}`,
        { authorization: `Bearer ${server.ingestToken}` },
        undefined,
        '127.0.0.7',
      );
    const batch = (clientId: string) =>
      send(server.port, 'POST', '/v1/events', ingest, JSON.stringify({ clientId, events: [cartEvent()] }), '127.0.0.7');
    const answers = {
      streamEmpty: await stream(''),
      streamHuge: await stream('x'.repeat(12_000)),
      streamDot: await stream('..'),
      ingestDot: await batch('.'),
      ingestDotDot: await batch('..'),
      ingestControl: await batch('a\u0000b'),
    };
    figures.hostileIds = Object.fromEntries(Object.entries(answers).map(([k, v]) => [k, v.status]));
    for (const answer of [answers.streamEmpty, answers.streamHuge, answers.streamDot]) {
      expect(answer.status).toBe(400);
      expect(answer.text).toContain('invalid_client_id');
    }
    for (const answer of [answers.ingestDot, answers.ingestDotDot, answers.ingestControl]) {
      expect(answer.status).toBe(400);
      expect(answer.text).toContain('invalid_batch');
    }
  }, 10_000);

  it("one address opening 140 control streams leaves other clients' control streams their slots", async () => {
    const streams = await Promise.all(Array.from({ length: 140 }, () => rawConnection(server.port, '127.0.0.9')));
    for (const [i, s] of streams.entries()) {
      s.socket.write(
        `GET /v1/stream?clientId=hog-${i} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${server.ingestToken}\r\n\r\n`,
      );
    }
    for (let waited = 0; streams.some((s) => s.statuses().length === 0) && waited < 5000; waited += 20) {
      await new Promise((r) => setTimeout(r, 20));
    }
    const statuses = streams.map((s) => s.statuses()[0] ?? 0);
    const other = await rawConnection(server.port, '127.0.0.1');
    other.socket.write(
      `GET /v1/stream?clientId=good-client HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${server.ingestToken}\r\n\r\n`,
    );
    for (let waited = 0; other.statuses().length === 0 && waited < 5000; waited += 20) {
      await new Promise((r) => setTimeout(r, 20));
    }
    for (const s of [...streams, other]) s.socket.destroy();
    figures.controlStreams = { attacker: counts(statuses), other: other.statuses()[0] ?? 0 };
    expect(counts(statuses)).toEqual({ 200: 125, 429: 15 });
    expect(other.statuses()[0]).toBe(200);
  }, 15_000);

  it('600 idle connections from one address are held to 512, and the good client is still served', async () => {
    const idle = await Promise.all(
      Array.from({ length: 600 }, () => rawConnection(server.port, '127.0.0.10').catch(() => undefined)),
    );
    const connected = idle.filter((c) => c !== undefined);
    let cut = 0;
    for (const c of connected) void c.closed.then(() => cut++);
    const good = await wellBehaved(server, 5, 100);
    for (let waited = 0; cut < connected.length - 512 && waited < 3000; waited += 20) {
      await new Promise((r) => setTimeout(r, 20));
    }
    for (const c of connected) c.socket.destroy();
    figures.idleConnections = { opened: connected.length, closedByServer: cut, good: summary(good) };
    expect(good.statuses).toEqual(Array(5).fill(200));
    expect(cut).toBe(connected.length - 512);
  }, 15_000);

  it('takes the admin token only in headers, except on /v1/stream where EventSource cannot send one', async () => {
    const q = `token=${server.adminToken}`;
    const stats = await send(server.port, 'GET', `/v1/stats?${q}`, {});
    const control = await send(server.port, 'GET', `/v1/control?${q}`, {});
    const put = await send(server.port, 'PUT', `/v1/control?${q}`, { 'content-type': 'application/json' }, '{}');
    const detach = await send(server.port, 'DELETE', `/v1/handlers/x?${q}`, {});
    const header = await send(server.port, 'GET', '/v1/stats', { authorization: `Bearer ${server.adminToken}` });
    const streamStatus = await new Promise<number>((resolve, reject) => {
      void import('node:http').then(({ get }) => {
        const req = get({ host: '127.0.0.1', port: server.port, path: `/v1/stream?${q}`, agent: false }, (res) => {
          resolve(res.statusCode ?? 0);
          req.destroy();
        });
        req.on('error', reject);
      });
    });
    figures.tokensInUrls = {
      stats: stats.status,
      control: control.status,
      put: put.status,
      detach: detach.status,
      stream: streamStatus,
    };
    for (const answer of [stats, control, put, detach]) {
      expect(answer.status).toBe(400);
      expect(answer.text).toContain('token_in_url');
    }
    expect(header.status).toBe(200);
    expect(streamStatus).toBe(200);
  }, 10_000);

  it('refuses a CORS-simple post from an origin outside the allow-list, with the token in the URL', async () => {
    const body = JSON.stringify({ clientId: 'cross', events: [cartEvent()] });
    const path = `/v1/events?token=${server.ingestToken}`;
    const evil = await send(
      server.port,
      'POST',
      path,
      { origin: 'https://evil.example', 'content-type': 'text/plain' },
      body,
    );
    const untyped = await send(server.port, 'POST', path, { origin: 'https://evil.example' }, body);
    const allowed = await send(
      server.port,
      'POST',
      path,
      { origin: 'https://app.example', 'content-type': 'text/plain;charset=UTF-8' },
      JSON.stringify({ clientId: 'cross', events: [cartEvent()] }),
    );
    figures.crossOrigin = { evil: evil.status, untyped: untyped.status, allowed: allowed.status };
    expect(evil.status).toBe(403);
    expect(evil.text).toContain('origin_not_allowed');
    expect(untyped.status).toBe(403);
    expect(allowed.status).toBe(200);
    expect(allowed.text).toContain('"accepted":1');
  }, 10_000);

  it('bounds requests and bytes of a flood per address and per client while the good client keeps its latency', async () => {
    const before = server.rssMiB();
    const rss = watchRss(server);
    const floodMs = 3000;
    const started = performance.now();
    // rotating ids, 1 MiB each: the address's byte rate; one id, empty batches: the client's request rate
    const [good, megabytes, tiny] = await Promise.all([
      wellBehaved(server, 30, 100),
      flood(server, { from: '127.0.0.6', lanes: 6, bodyBytes: MiB, rotateIds: true, durationMs: floodMs }),
      flood(server, { from: '127.0.0.8', lanes: 2, bodyBytes: 0, rotateIds: false, durationMs: floodMs }),
    ]);
    const elapsed = (performance.now() - started) / 1000;
    const peak = rss.stop();
    figures.flood = {
      good: summary(good),
      seconds: Number(elapsed.toFixed(1)),
      megabyteBatchesRotatingIds: megabytes,
      emptyBatchesOneClient: tiny,
      rssMiB: { before: Math.round(before), peak: Math.round(peak) },
    };
    expect(good.statuses).toEqual(Array(30).fill(200));
    // per address: 40 MiB at once, 2.5 MiB/s after, and the uploads in flight when it ran out
    const byteBound = 40 + Math.ceil(2.5 * elapsed) + 6;
    expect(megabytes['200'] ?? 0).toBeLessThanOrEqual(byteBound);
    // per client: 100 requests at once, 20/s after
    const requestBound = 100 + Math.ceil(20 * elapsed) + 2;
    expect(tiny['200'] ?? 0).toBeLessThanOrEqual(requestBound);
    if (sum(megabytes) > byteBound) expect(megabytes['429']).toBeGreaterThan(0);
    if (sum(tiny) > requestBound) expect(tiny['429']).toBeGreaterThan(0);
  }, 30_000);

  it('PUT /v1/control checks what its body is and how deep it nests', async () => {
    const admin = { authorization: `Bearer ${server.adminToken}` };
    const xml = await send(server.port, 'PUT', '/v1/control', { ...admin, 'content-type': 'text/xml' }, '{}');
    const gzip = await send(
      server.port,
      'PUT',
      '/v1/control',
      { ...admin, 'content-type': 'application/json', 'content-encoding': 'gzip' },
      '{}',
    );
    const deep = `{"deny":${'['.repeat(30_000)}${']'.repeat(30_000)}}`;
    const tooDeep = await send(
      server.port,
      'PUT',
      '/v1/control',
      { ...admin, 'content-type': 'application/json' },
      deep,
    );
    figures.control = { xml: xml.status, gzip: gzip.status, deep: tooDeep.status };
    expect(xml.status).toBe(415);
    expect(gzip.status).toBe(415);
    expect(tooDeep.status).toBe(400);
    expect(tooDeep.text).toContain('too_deep');
  }, 10_000);

  it('counts every refusal in isotel_collector_refused_total, by reason', async () => {
    const scrape = await send(server.port, 'GET', '/metrics', {});
    const refused = [...samples(scrape.text)].filter(([k]) => k.startsWith('isotel_collector_refused_total'));
    figures.refusedSeries = Object.fromEntries(refused);
    const reason = (r: string) => refused.find(([k]) => k === `isotel_collector_refused_total{reason="${r}"}`)?.[1];
    expect(reason('too_many_uploads')).toBeGreaterThan(0);
    expect(reason('body_too_slow')).toBeGreaterThan(0);
    expect(reason('origin_not_allowed')).toBe(2);
    expect(reason('invalid_client_id')).toBe(3);
  }, 10_000);
});
