import { describe, expect, it } from 'vitest';
import type { EventRecord, IngestResponse } from '../../export/record.js';
import { uuidv7 } from '../../id/uuidv7.js';
import { captureEvents } from '../../testing/capture-events.js';
import { startCollector } from './collector.test-kit.js';

async function start() {
  const { telemetry, collector, url } = await startCollector({ node: 'rules', rateLimit: false });
  const post = async (events: unknown[], clientId = 'client-1'): Promise<IngestResponse> => {
    const res = await fetch(`${url}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ clientId, sessionId: 'session-1', events }),
    });
    return (await res.json()) as IngestResponse;
  };
  return { telemetry, collector, post };
}

function record(name: string, extra: Record<string, unknown> = {}): EventRecord {
  return { id: uuidv7(), name, time: Date.now(), measurements: { count: 1 }, metadata: {}, ...extra };
}

const codes = (answer: IngestResponse) => answer.rejected.map((r) => [r.index, r.code]);

describe('reserved names', () => {
  it("refuses client events in the collector's own and other reserved names", async () => {
    const { telemetry, collector, post } = await start();
    const own = captureEvents(telemetry, 'isotel.collector.ingest');
    const remote = captureEvents(telemetry, '**');
    const answer = await post([
      record('isotel.collector.ingest', { measurements: { accepted: 1e12 }, metadata: { status: 200 } }),
      record('isotel.collector.refused'),
      record('telemetry.made.up'),
      record('isotel.prometheus.scrape'),
    ]);
    expect(codes(answer)).toEqual([
      [0, 'reserved_name'],
      [1, 'reserved_name'],
      [2, 'reserved_name'],
      [3, 'reserved_name'],
    ]);
    expect(answer.rejected[0]?.message).toMatch(/reserved/);
    expect(remote.events.filter((e) => e.metadata.remote === true)).toHaveLength(0);
    expect(own.events.map((e) => e.measurements.accepted)).toEqual([0]);
    expect(collector.stats()).toMatchObject({ accepted: 0, rejected: { reserved_name: 4 } });
  });

  it('takes the library events a browser bus and its exporter ship', async () => {
    const { telemetry, post } = await start();
    const capture = captureEvents(telemetry, '**');
    const names = [
      'telemetry.handler.failure',
      'telemetry.control.change',
      'isotel.exporter.flush',
      'isotel.exporter.drop',
    ];
    const answer = await post(names.map((name) => record(name)));
    expect(answer).toMatchObject({ accepted: 4, rejected: [] });
    expect(capture.events.filter((e) => e.metadata.remote === true).map((e) => e.name)).toEqual(names);
  });
});

describe('bounds of a record', () => {
  it('refuses measurement keys over 128 characters', async () => {
    const { post } = await start();
    const answer = await post([
      record('m.long', { measurements: { ['k'.repeat(500_000)]: 1 } }),
      record('m.edge', { measurements: { ['k'.repeat(129)]: 1 } }),
      record('m.ok', { measurements: { ['k'.repeat(128)]: 1 } }),
    ]);
    expect(codes(answer)).toEqual([
      [0, 'invalid_measurements'],
      [1, 'invalid_measurements'],
    ]);
    expect(answer.rejected[0]?.message.length).toBeLessThan(300);
    expect(answer.accepted).toBe(1);
  });

  it('refuses a time before 2000 or more than a day ahead of the server clock', async () => {
    const { post } = await start();
    const day = 24 * 60 * 60 * 1000;
    const answer = await post([
      record('t.a', { time: 1e300 }),
      record('t.b', { time: -1e300 }),
      record('t.c', { time: 0.5 }),
      record('t.d', { time: Date.UTC(2000, 0, 1) - 1 }),
      record('t.e', { time: Date.now() + 2 * day }),
      record('t.ok', { time: Date.UTC(2000, 0, 1) }),
      record('t.ok', { time: Date.now() + day / 2 }),
    ]);
    expect(codes(answer)).toEqual([
      [0, 'invalid_time'],
      [1, 'invalid_time'],
      [2, 'invalid_time'],
      [3, 'invalid_time'],
      [4, 'invalid_time'],
    ]);
    expect(answer.accepted).toBe(2);
  });

  it('refuses a sampleRate under 1e-6, which would scale counts without bound', async () => {
    const { post } = await start();
    const answer = await post([
      record('s.a', { sampleRate: 1e-300 }),
      record('s.b', { sampleRate: 1e-7 }),
      record('s.ok', { sampleRate: 1e-6 }),
      record('s.ok', { sampleRate: 0.5 }),
    ]);
    expect(codes(answer)).toEqual([
      [0, 'invalid_record'],
      [1, 'invalid_record'],
    ]);
    expect(answer.rejected[0]?.message).toMatch(/1e-6/);
    expect(answer.accepted).toBe(2);
  });
});

describe('client identity', () => {
  it("re-emits the batch's clientId, the one the rate limit and control are keyed on, not a record's own", async () => {
    const { telemetry, post } = await start();
    const capture = captureEvents(telemetry, 'who.**');
    const answer = await post([record('who.am.i', { clientId: 'victim', sessionId: 'older-session' })], 'me');
    expect(answer.accepted).toBe(1);
    expect(capture.events[0]?.metadata).toMatchObject({ clientId: 'me', sessionId: 'older-session' });
  });
});
