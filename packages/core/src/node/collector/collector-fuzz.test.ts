import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTelemetry } from '../../bus/telemetry.js';
import { uuidv7 } from '../../id/uuidv7.js';
import { type Collector, createCollector } from './collector.js';

// A seeded generator, so a failure replays: random bytes, truncated and mutated valid batches,
// huge and non-finite numbers, deep nesting and prototype-polluting keys.
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEED = 0x15071e1;
const BODIES = 10_000;
const HOSTILE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', ''];
const ODD_NUMBERS = ['1e309', '-1e309', '1e-400', '-0', '9007199254740993', '123456789012345678901234567890'];

function makeFuzzer(random: () => number) {
  const int = (n: number) => Math.floor(random() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T;
  const names = ['a.b', 'checkout.payment.stop', 'x', 'bad..name', '', '.', 'a.*', 'é.b', 'a'.repeat(300)];

  const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
  const hostileObject = () =>
    `{${HOSTILE_KEYS.map((k) => `${JSON.stringify(k)}:${pick(['1', '{"polluted":true}', 'null', '[]'])}`).join(',')}}`;
  const value = (): string =>
    pick([
      () => String(random() * 1e6),
      () => pick(ODD_NUMBERS),
      () => JSON.stringify('s'.repeat(int(2000))),
      () => nested(1 + int(1000)),
      hostileObject,
      () => 'null',
      () => 'true',
      () => '[1,"2",{}]',
    ])();

  const record = (): string => {
    const id = pick([JSON.stringify(uuidv7()), JSON.stringify(`dup-${int(50)}`), value()]);
    const measurements = pick([
      `{"duration":${random() * 100}}`,
      `{"v":${pick(ODD_NUMBERS)}}`,
      hostileObject(),
      value(),
    ]);
    const metadata = pick(['{}', `{"route":"/a","deep":${nested(int(1000))}}`, hostileObject(), value()]);
    return `{"id":${id},"name":${JSON.stringify(pick(names))},"time":${pick([String(Date.now()), value()])},"measurements":${measurements},"metadata":${metadata}}`;
  };

  const batch = (): string => {
    const events = Array.from({ length: int(12) }, record).join(',');
    const clientId = pick([JSON.stringify(`client-${int(200)}`), value()]);
    return `{"clientId":${clientId},"sessionId":"s","resource":${pick(['{}', hostileObject()])},"events":[${events}]}`;
  };

  const mutate = (text: string): string => {
    const chars = text.split('');
    for (let i = 0, n = 1 + int(6); i < n; i++) {
      const at = int(chars.length + 1);
      const op = int(3);
      if (op === 0) chars.splice(at, 1);
      else if (op === 1) chars.splice(at, 0, pick(['{', '}', '[', ']', '"', ',', ':', '\\', '\u0000', 'e', '-']));
      else chars[at] = pick(['0', 'x', '"', '\ud800']);
    }
    return chars.join('');
  };

  return (): string | Uint8Array => {
    switch (int(6)) {
      case 0:
        return Uint8Array.from({ length: int(512) }, () => int(256));
      case 1: {
        const text = batch();
        return text.slice(0, int(text.length));
      }
      case 2:
        return mutate(batch());
      case 3:
        return nested(1 + int(20_000));
      default:
        return batch();
    }
  };
}

describe('collector fuzzing', () => {
  let collector: Collector;
  let url: string;
  const telemetry = createTelemetry();
  let reEmitted = 0;

  beforeAll(async () => {
    collector = createCollector({
      telemetry,
      node: 'fuzz',
      dedupe: { maxIds: 500 },
      rateLimit: { eventsPerSecond: 1_000_000, burst: 1_000_000, maxClients: 50 },
    });
    telemetry.attach('count-remote', '**', (_name, _m, metadata) => {
      if (metadata.remote === true) reEmitted++;
    });
    ({ url } = await collector.listen(0, '127.0.0.1'));
  });
  afterAll(() => collector.close());

  it(`answers ${BODIES} random and mutated bodies without a 5xx, within its memory caps`, async () => {
    const next = makeFuzzer(mulberry32(SEED));
    const statuses = new Map<number, number>();
    let sent = 0;
    // Every body goes through the web-standard handler; every tenth also crosses real HTTP, so
    // the node:http bridge (streamed body, byte limit) sees the same hostile input.
    const worker = async () => {
      while (sent < BODIES) {
        const viaHttp = sent++ % 10 === 0;
        const body = next();
        const init: RequestInit = { method: 'POST', body: body as BodyInit };
        const res = viaHttp
          ? await fetch(`${url}/v1/events`, init)
          : await collector.handler(new Request(`${url}/v1/events`, init));
        const text = await res.text();
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (res.status >= 500) throw new Error(`${res.status} for body ${String(body).slice(0, 200)}: ${text}`);
        expect(() => JSON.parse(text)).not.toThrow();
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));

    const stats = collector.stats();
    expect([...statuses.keys()].every((s) => s < 500)).toBe(true);
    // every family of answers was exercised, so the bodies reached past the JSON parser (fewer
    // 200s than 400s: half the generated times are small numbers, refused as before the year 2000)
    expect(statuses.get(200)).toBeGreaterThan(300);
    expect(statuses.get(400)).toBeGreaterThan(500);
    expect(statuses.get(422)).toBeGreaterThan(100);
    expect(stats.dedupe.size).toBeLessThanOrEqual(500);
    expect(stats.rateLimitedClients).toBeLessThanOrEqual(50);
    expect(stats.accepted).toBe(reEmitted);
    expect(stats.duplicates).toBeGreaterThan(0);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((await fetch(`${url}/v1/health`)).status).toBe(200);
  }, 300_000);
});
