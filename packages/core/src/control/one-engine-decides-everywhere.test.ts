import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserExporter, createBrowserExporter } from '../browser/browser-exporter.js';
import { createTelemetry, type Telemetry } from '../bus/telemetry.js';
import type { Metadata } from '../bus/types.js';
import { type Collector, createCollector } from '../node/collector/collector.js';
import type { ControlDecision } from './control-engine.js';
import type { ControlInput } from './control-state.js';

// One control, one set of events: the bus, the browser exporter (its bus handler, the record it
// ships, the collector re-emitting it) and the collector's own answer must agree on every event,
// kept at which rate or dropped for which reason, the library's own events' exemption included.

const ADMIN = 'admin-secret';
let collector: Collector;
let url: string;
const server = createTelemetry();
// events re-emitted by the collector, by the run and index the test put in their metadata
const shipped = new Map<string, Metadata>();
const client = createTelemetry();
let exporter: BrowserExporter;

beforeAll(async () => {
  collector = createCollector({ telemetry: server, adminToken: ADMIN, rateLimit: false });
  ({ url } = await collector.listen(0, '127.0.0.1'));
  server.attach('conformance', '**', (_name, _m, md) => {
    if (md.remote === true && typeof md.probe === 'string') shipped.set(md.probe, md);
  });
  // the library's own events are exported too (exclude: []), as any other name
  exporter = createBrowserExporter(client, {
    url,
    storage: 'memory',
    lifecycle: false,
    flushIntervalMs: 60_000,
    exclude: [],
  });
  await exporter.ready;
});
afterAll(async () => {
  await exporter.shutdown();
  await collector.close();
});

// Names from a small alphabet so patterns often match, with the library's own events that a
// client may send (the collector refuses other reserved names from clients).
const LIBRARY_NAMES = ['telemetry.handler.failure', 'telemetry.control.change', 'isotel.exporter.flush'];
const segment = fc.constantFrom('app', 'checkout', 'debug', 'pay', 'telemetry', 'isotel', 'exporter', 'x');
const name = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .array(segment, { minLength: 1, maxLength: 3 })
      .map((s) => s.join('.'))
      .filter((n) => !/^(telemetry|isotel)\./.test(n)),
  },
  { weight: 1, arbitrary: fc.constantFrom(...LIBRARY_NAMES) },
);
const pattern = fc
  .array(fc.oneof(segment, fc.constant('*'), fc.constant('**')), { minLength: 1, maxLength: 3 })
  .map((s) => s.join('.'));
const rate = fc.constantFrom(0, 1e-6, 0.1, 0.5, 0.9, 1);
const control: fc.Arbitrary<ControlInput> = fc.record(
  {
    enabled: fc.boolean(),
    sampleRate: rate,
    rules: fc.array(fc.record({ pattern, sampleRate: rate }), { maxLength: 3 }),
    allow: fc.array(pattern, { maxLength: 2 }),
    deny: fc.array(pattern, { maxLength: 2 }),
  },
  { requiredKeys: [] },
);
// ids the collector accepts (it refuses "." and ".." and control characters: collector-attacks.test.ts)
const correlationId = fc.stringMatching(/^[\w .:-]{1,8}$/).filter((id) => id !== '.' && id !== '..');
const events = fc.array(fc.record({ name, correlationId }), {
  minLength: 1,
  maxLength: 8,
});

function droppedSince(
  before: Readonly<Record<string, number | undefined>>,
  after: Readonly<Record<string, number | undefined>>,
) {
  const reasons = Object.keys(after).filter((reason) => (after[reason] ?? 0) > (before[reason] ?? 0));
  expect(reasons.length).toBeLessThanOrEqual(1);
  return reasons[0];
}

function onBus(t: Telemetry, list: readonly { name: string; correlationId: string }[]): ControlDecision[] {
  const delivered: Metadata[] = [];
  t.attach('conformance', '**', (_name, _m, md) => {
    delivered.push(md);
  });
  return list.map((event) => {
    delivered.length = 0;
    const before = { ...t.stats().dropped };
    t.emit(event.name, { count: 1 }, { correlationId: event.correlationId });
    const md = delivered[0];
    if (md !== undefined) return { kept: true, sampleRate: (md.sampleRate as number | undefined) ?? 1 };
    return { kept: false, reason: droppedSince(before, t.stats().dropped) } as ControlDecision;
  });
}

let runs = 0;

// One exporter for every run, its control replaced per run, as the collector's answers do.
async function throughExporter(
  given: ControlInput,
  list: readonly { name: string; correlationId: string }[],
): Promise<ControlDecision[]> {
  const run = `r${++runs}`;
  exporter.setControl(given);
  const drops = list.map((event, i) => {
    const before = { ...exporter.stats().dropped };
    client.emit(event.name, { count: 1 }, { correlationId: event.correlationId, probe: `${run}.${i}` });
    return droppedSince(before, exporter.stats().dropped);
  });
  await exporter.flush();
  return drops.map((reason, i) => {
    if (reason !== undefined) return { kept: false, reason } as ControlDecision;
    const md = shipped.get(`${run}.${i}`);
    expect(md, `event ${i} was neither dropped nor delivered`).toBeDefined();
    return { kept: true, sampleRate: (md?.sampleRate as number | undefined) ?? 1 };
  });
}

describe('one control engine', () => {
  it('decides every event alike on the bus, in the browser exporter and at the collector', async () => {
    await fc.assert(
      fc.asyncProperty(control, events, async (given, list) => {
        const t = createTelemetry();
        t.control.set(given);
        const bus = onBus(t, list);
        const exported = await throughExporter(given, list);
        collector.setControl(given);
        const atCollector = list.map((e) =>
          collector.explainControl(e.name, { metadata: { correlationId: e.correlationId } }),
        );
        const explained = list.map((e) => t.control.explain(e.name, { correlationId: e.correlationId }));
        expect(exported).toEqual(bus);
        expect(atCollector).toEqual(bus);
        expect(explained).toEqual(bus);
      }),
      { numRuns: 60 },
    );
  }, 60_000);

  it("exempts the library's own events from enabled, allow and the global rate everywhere, not from deny", async () => {
    const off: ControlInput = { enabled: false, allow: ['app.**'], sampleRate: 0 };
    const list = [
      { name: 'app.start', correlationId: 'c1' },
      { name: 'telemetry.control.change', correlationId: 'c2' },
      { name: 'isotel.exporter.flush', correlationId: 'c3' },
    ];
    const expected: ControlDecision[] = [
      { kept: false, reason: 'disabled' },
      { kept: true, sampleRate: 1 },
      { kept: true, sampleRate: 1 },
    ];
    const t = createTelemetry();
    t.control.set(off);
    expect(onBus(t, list)).toEqual(expected);
    expect(await throughExporter(off, list)).toEqual(expected);
    collector.setControl(off);
    expect(list.map((e) => collector.explainControl(e.name))).toEqual(expected);

    const denied: ControlInput = { ...off, enabled: true, deny: ['isotel.**'] };
    const deniedExpected: ControlDecision[] = [
      { kept: false, reason: 'sampled_out' },
      { kept: true, sampleRate: 1 },
      { kept: false, reason: 'denied' },
    ];
    const t2 = createTelemetry();
    t2.control.set(denied);
    expect(onBus(t2, list)).toEqual(deniedExpected);
    expect(await throughExporter(denied, list)).toEqual(deniedExpected);
  });

  it('answers GET /v1/control?name= with the decision for that client', async () => {
    collector.setControl({ allow: ['checkout.**'] });
    collector.setControl({ deny: ['debug.**'] }, 'client-1');
    const ask = async (path: string) => {
      const res = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${ADMIN}` } });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    expect((await ask('/v1/control?name=search.query')).body.decision).toEqual({ kept: false, reason: 'not_allowed' });
    expect((await ask('/v1/control/client-1?name=debug.sql')).body.decision).toEqual({ kept: false, reason: 'denied' });
    expect((await ask('/v1/control/client-1?name=search.query&correlationId=c1')).body.decision).toEqual({
      kept: true,
      sampleRate: 1,
    });
    expect((await ask('/v1/control')).body.decision).toBeUndefined();
    const bad = await ask('/v1/control?name=a..b');
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: { code: 'invalid_name' } });
  });
});
