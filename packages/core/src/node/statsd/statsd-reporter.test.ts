import { createSocket, type Socket } from 'node:dgram';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTelemetry, type Telemetry } from '../../bus/telemetry.js';
import { counter, distribution, lastValue, sum, summary } from '../../metrics/definitions.js';
import { statsdReporter } from './statsd-reporter.js';

interface Agent {
  readonly port: number;
  readonly datagrams: string[];
  lines(): string[];
  waitForLines(n: number): Promise<string[]>;
  close(): Promise<void>;
}

// A real UDP socket on loopback, standing in for the StatsD agent.
async function startAgent(): Promise<Agent> {
  const socket: Socket = createSocket('udp4');
  const datagrams: string[] = [];
  socket.on('message', (msg) => datagrams.push(msg.toString('utf8')));
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  const lines = () => datagrams.flatMap((d) => d.split('\n'));
  return {
    port: socket.address().port,
    datagrams,
    lines,
    async waitForLines(n) {
      const deadline = Date.now() + 3000;
      while (lines().length < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      return lines();
    },
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  };
}

let t: Telemetry;
let agent: Agent;
beforeEach(async () => {
  t = createTelemetry();
  agent = await startAgent();
});
afterEach(async () => {
  vi.restoreAllMocks();
  await t.shutdown();
  await agent.close();
});

describe('statsd reporter', () => {
  it('maps the five types to DogStatsD lines with tags', async () => {
    const reporter = statsdReporter(
      t,
      [
        counter('http.request.stop.duration', { tags: ['route', 'method'] }),
        sum('http.request.stop.bytes'),
        lastValue('runtime.memory.heapUsed', { unit: 'byte' }),
        summary('db.query.stop.duration', { unit: 'millisecond' }),
        distribution('http.request.latency', {
          event: 'http.request.stop',
          measurement: 'duration',
          unit: { from: 'millisecond', to: 'second' },
        }),
      ],
      { port: agent.port, prefix: 'shop.', bufferFlushInterval: 60_000 },
    );
    t.emit('http.request.stop', { duration: 250, bytes: 100 }, { route: '/a', method: 'GET' });
    t.emit('runtime.memory', { heapUsed: 42 });
    t.emit('db.query.stop', { duration: 3 });
    await reporter.flush();
    expect(await agent.waitForLines(5)).toEqual([
      'shop.http.request.stop.duration:1|c|#route:/a,method:GET',
      'shop.http.request.stop.bytes:100|c',
      'shop.http.request.latency:0.25|d',
      'shop.runtime.memory.heapUsed:42|g',
      'shop.db.query.stop.duration:3|ms',
    ]);
    expect(agent.datagrams).toHaveLength(1);
  });

  it('folds tags into the name for plain StatsD and sends distributions as timings', async () => {
    const reporter = statsdReporter(t, [distribution('api.call.duration', { tags: ['route'] })], {
      port: agent.port,
      dogstatsd: false,
      bufferFlushInterval: 60_000,
    });
    t.emit('api.call', { duration: 7 }, { route: 'users.list' });
    await reporter.flush();
    expect(await agent.waitForLines(1)).toEqual(['api.call.duration.users_list:7|ms']);
  });

  it('adds global tags to every line and sends non-time summaries as histograms', async () => {
    const reporter = statsdReporter(
      t,
      [
        summary('cart.size.items', { unit: 'item', tags: ['region'] }),
        counter('cart.size.count', { event: 'cart.size' }),
      ],
      { port: agent.port, globalTags: { env: 'prod' }, bufferFlushInterval: 60_000 },
    );
    t.emit('cart.size', { items: 3 }, { region: 'eu' });
    await reporter.flush();
    expect(await agent.waitForLines(2)).toEqual([
      'cart.size.items:3|h|#env:prod,region:eu',
      'cart.size.count:1|c|#env:prod',
    ]);
  });

  it('packs lines into datagrams under maxBufferSize and drops and counts an oversized line', async () => {
    const reporter = statsdReporter(t, [counter('job.run.count', { tags: ['job'] })], {
      port: agent.port,
      maxBufferSize: 100,
      bufferFlushInterval: 60_000,
    });
    for (let i = 0; i < 10; i++) t.emit('job.run', {}, { job: `job-${i}` });
    t.emit('job.run', {}, { job: 'x'.repeat(200) });
    await reporter.flush();
    const lines = await agent.waitForLines(10);
    expect(lines).toEqual(Array.from({ length: 10 }, (_, i) => `job.run.count:1|c|#job:job-${i}`));
    expect(agent.datagrams.length).toBeGreaterThan(1);
    for (const d of agent.datagrams) expect(Buffer.byteLength(d)).toBeLessThanOrEqual(100);
    expect(reporter.stats()).toMatchObject({ recorded: 11, oversized: 1 });
  });

  it('samples on the client and marks kept lines with |@rate', async () => {
    const draws = [0.1, 0.9, 0.3, 0.7];
    vi.spyOn(Math, 'random').mockImplementation(() => draws.shift() ?? 0.99);
    const reporter = statsdReporter(t, [counter('cache.hit.count', { reporterOptions: { sampleRate: 0.5 } })], {
      port: agent.port,
      bufferFlushInterval: 60_000,
    });
    for (let i = 0; i < 4; i++) t.emit('cache.hit', {});
    await reporter.flush();
    expect(await agent.waitForLines(2)).toEqual(['cache.hit.count:1|c|@0.5', 'cache.hit.count:1|c|@0.5']);
  });

  it('moves to a new endpoint, buffer size and on/off live, without a restart', async () => {
    const second = await startAgent();
    try {
      const reporter = statsdReporter(t, [counter('a.b.count')], { port: agent.port, bufferFlushInterval: 60_000 });
      t.emit('a.b', {});
      await reporter.setEndpoint({ port: second.port });
      t.emit('a.b', {});
      t.emit('a.b', {});
      reporter.setEnabled(false);
      t.emit('a.b', {});
      await reporter.flush();
      expect(await agent.waitForLines(1)).toEqual(['a.b.count:1|c']);
      expect(await second.waitForLines(2)).toEqual(['a.b.count:1|c', 'a.b.count:1|c']);
      expect(reporter.stats().recorded).toBe(3);
    } finally {
      await second.close();
    }
  });

  it('sends timings in milliseconds whatever the time unit of the metric', async () => {
    const reporter = statsdReporter(
      t,
      [
        summary('db.query.stop.duration', { unit: { from: 'millisecond', to: 'second' } }),
        distribution('db.query.latency', {
          event: 'db.query.stop',
          measurement: 'duration',
          unit: { from: 'millisecond', to: 'second' },
        }),
      ],
      { port: agent.port, dogstatsd: false, bufferFlushInterval: 60_000 },
    );
    t.emit('db.query.stop', { duration: 250 });
    await reporter.flush();
    expect(await agent.waitForLines(2)).toEqual(['db.query.stop.duration:250|ms', 'db.query.latency:250|ms']);
  });

  it('counts the UTF-8 bytes of the whole line, global tags included, against maxBufferSize', async () => {
    const plain = statsdReporter(t, [counter('a.b.c', { tags: ['route'] })], {
      port: agent.port,
      dogstatsd: false,
      maxBufferSize: 200,
      bufferFlushInterval: 60_000,
      id: 'plain',
    });
    t.emit('a.b', {}, { route: '€'.repeat(64) }); // 74 characters, 202 bytes
    const dog = statsdReporter(t, [counter('x.y.z')], {
      port: agent.port,
      maxBufferSize: 200,
      globalTags: { region: 'é'.repeat(100) },
      bufferFlushInterval: 60_000,
      id: 'dog',
    });
    t.emit('x.y', {});
    t.emit('a.b', {}, { route: 'short' });
    await plain.flush();
    await dog.flush();
    await agent.waitForLines(1);
    await new Promise((r) => setTimeout(r, 50));
    for (const d of agent.datagrams) expect(Buffer.byteLength(d)).toBeLessThanOrEqual(200);
    expect(agent.lines()).toEqual(['a.b.c.short:1|c']);
    expect(plain.stats().oversized).toBe(1);
    expect(dog.stats().oversized).toBe(1);
  });

  it('sends plain StatsD without tags or DogStatsD fields, even with DD_ variables set', async () => {
    vi.stubEnv('DD_ENV', 'prod');
    vi.stubEnv('DD_SERVICE', 'shop');
    try {
      const reporter = statsdReporter(t, [lastValue('temp.read.celsius')], {
        port: agent.port,
        dogstatsd: false,
        globalTags: { env: 'prod' },
        bufferFlushInterval: 60_000,
      });
      t.emit('temp.read', { celsius: 3 });
      await reporter.flush();
      await agent.waitForLines(1);
      await new Promise((r) => setTimeout(r, 50));
      expect(agent.lines()).toEqual(['temp.read.celsius:3|g']);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('sets a negative gauge in plain StatsD as zero then the value, and sends other summaries as timers', async () => {
    const reporter = statsdReporter(
      t,
      [lastValue('temp.read.celsius'), summary('payload.recv.bytes', { unit: 'byte' })],
      {
        port: agent.port,
        dogstatsd: false,
        bufferFlushInterval: 60_000,
      },
    );
    t.emit('temp.read', { celsius: -5 });
    t.emit('payload.recv', { bytes: 2048 });
    await reporter.flush();
    expect(await agent.waitForLines(3)).toEqual([
      'temp.read.celsius:0|g',
      'temp.read.celsius:-5|g',
      'payload.recv.bytes:2048|ms',
    ]);
  });

  it('skips and counts a negative timing in plain StatsD, and sends it as a DogStatsD distribution', async () => {
    const definitions = [distribution('clock.drift.ms', { event: 'clock.drift', measurement: 'ms' })];
    const plain = statsdReporter(t, definitions, {
      port: agent.port,
      dogstatsd: false,
      bufferFlushInterval: 60_000,
      id: 'plain',
    });
    const dog = statsdReporter(t, definitions, { port: agent.port, bufferFlushInterval: 60_000, id: 'dog' });
    t.emit('clock.drift', { ms: -3 });
    t.emit('clock.drift', { ms: 2 });
    await plain.flush();
    await dog.flush();
    const lines = await agent.waitForLines(3);
    expect([...lines].sort()).toEqual(['clock.drift.ms:-3|d', 'clock.drift.ms:2|d', 'clock.drift.ms:2|ms']);
    expect(plain.stats()).toMatchObject({ recorded: 1, skipped: { negative_timing: 1 } });
    expect(dog.stats()).toMatchObject({ recorded: 2, skipped: {} });
  });

  it('marks timings of events kept by sampling with the event sample rate', async () => {
    const reporter = statsdReporter(
      t,
      [summary('job.stop.duration'), counter('job.stop.count', { event: 'job.stop' })],
      {
        port: agent.port,
        bufferFlushInterval: 60_000,
      },
    );
    t.emit('job.stop', { duration: 4 }, { sampleRate: 0.1 });
    await reporter.flush();
    expect(await agent.waitForLines(2)).toEqual(['job.stop.duration:4|ms|@0.1', 'job.stop.count:10|c']);
  });

  it('rejects invalid settings with a clear error', () => {
    expect(() => statsdReporter(t, [], { port: 70000 })).toThrow(/StatsD port must be an integer/);
    expect(() => statsdReporter(t, [], { sampleRate: 0 })).toThrow(/sampleRate must be in \(0, 1\]/);
  });
});
