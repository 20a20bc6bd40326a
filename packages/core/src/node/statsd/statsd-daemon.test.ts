// The reporter against the real etsy StatsD daemon (npm `statsd`) on a loopback UDP port, with a
// recording backend that prints every flush: what the daemon parsed, and the lines it refused.
import { type ChildProcess, spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../../../scripts/free-port.mjs';
import { createTelemetry } from '../../bus/telemetry.js';
import { counter, distribution, lastValue, sum, summary } from '../../metrics/definitions.js';
import { statsdReporter } from './statsd-reporter.js';

const STATSD = createRequire(import.meta.url).resolve('statsd/stats.js');

interface Flush {
  counters: Record<string, number>;
  timers: Record<string, number[]>;
  gauges: Record<string, number>;
}

// prints each flush as one JSON line, so the test reads what the daemon aggregated
const BACKEND = `
exports.init = function (startup, config, events) {
  events.on('flush', function (ts, metrics) {
    process.stdout.write('FLUSH ' + JSON.stringify({
      counters: metrics.counters, timers: metrics.timers, gauges: metrics.gauges,
    }) + '\\n');
  });
  return true;
};
`;

async function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

describe('statsd reporter against the etsy StatsD daemon', () => {
  const dir = mkdtempSync(join(tmpdir(), 'isotel-statsd-'));
  let daemon: ChildProcess | undefined;
  let port = 0;
  let output = '';
  let errors = '';

  beforeAll(async () => {
    port = await freeUdpPort();
    const backend = join(dir, 'recording-backend.cjs');
    writeFileSync(backend, BACKEND);
    const config = join(dir, 'config.js');
    writeFileSync(
      config,
      JSON.stringify({
        address: '127.0.0.1',
        port,
        mgmt_address: '127.0.0.1',
        mgmt_port: await freePort(),
        backends: [backend],
        flushInterval: 100,
      }),
    );
    daemon = spawn(process.execPath, [STATSD, config], { stdio: ['ignore', 'pipe', 'pipe'] });
    const up = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`statsd did not start:\n${output}`)), 10_000);
      const read = (chunk: Buffer) => {
        output += chunk.toString('utf8');
        if (output.includes('server is up')) {
          clearTimeout(timer);
          resolve();
        }
      };
      daemon?.stdout?.on('data', read);
      // kept apart, so a chunk of stderr cannot land inside a flush line
      daemon?.stderr?.on('data', (chunk: Buffer) => {
        errors += chunk.toString('utf8');
      });
      daemon?.once('exit', (code) => reject(new Error(`statsd exited ${code}:\n${output}${errors}`)));
    });
    await up;
  }, 15_000);

  afterAll(async () => {
    if (daemon !== undefined && daemon.exitCode === null) {
      const exited = new Promise((resolve) => daemon?.once('exit', resolve));
      process.kill(daemon.pid as number, 'SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  // every flush the daemon printed so far, summed: counters add up, timers concatenate, gauges keep the last
  const totals = (): Flush => {
    const flushes: Flush[] = [];
    // a line still being written has no newline yet: only complete lines are read
    const lines = output.split('\n').slice(0, -1);
    for (const line of lines) {
      if (line.startsWith('FLUSH ')) flushes.push(JSON.parse(line.slice('FLUSH '.length)) as Flush);
    }
    const out: Flush = { counters: {}, timers: {}, gauges: {} };
    for (const f of flushes) {
      for (const [k, v] of Object.entries(f.counters)) out.counters[k] = (out.counters[k] ?? 0) + v;
      for (const [k, v] of Object.entries(f.timers)) out.timers[k] = [...(out.timers[k] ?? []), ...v];
      Object.assign(out.gauges, f.gauges);
    }
    return out;
  };

  const until = async (done: (f: Flush) => boolean): Promise<Flush> => {
    const deadline = Date.now() + 5000;
    let f = totals();
    while (!done(f) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      f = totals();
    }
    return f;
  };

  it('parses every line plain mode sends, and never sees a negative timing', async () => {
    const t = createTelemetry();
    const reporter = statsdReporter(
      t,
      [
        counter('app.job.stop.count', { event: 'app.job.stop', unit: { from: 'nanosecond', to: 'millisecond' } }),
        sum('app.job.stop.bytes', { unit: { from: 'byte', to: 'kilobyte' } }),
        lastValue('app.queue.depth', { event: 'app.queue', measurement: 'depth' }),
        lastValue('app.clock.skew', { event: 'app.clock', measurement: 'skew' }),
        summary('app.job.stop.duration', { unit: { from: 'millisecond', to: 'second' } }),
        distribution('app.job.stop.drift', { tags: ['queue'] }),
      ],
      { port, dogstatsd: false, bufferFlushInterval: 60_000 },
    );
    t.emit('app.job.stop', { duration: 250, bytes: 3000, drift: 4 }, { queue: 'mail' });
    t.emit('app.job.stop', { duration: 1500, bytes: 500, drift: -3 }, { queue: 'mail' });
    t.emit('app.job.stop', { duration: 20, bytes: 1, drift: 2 }, { queue: 'sms' });
    t.emit('app.queue', { depth: 7 });
    t.emit('app.clock', { skew: -5 });
    await reporter.flush();
    const f = await until(
      (x) =>
        x.counters['app.job.stop.count'] === 3 &&
        x.timers['app.job.stop.drift.sms']?.length === 1 &&
        x.gauges['app.clock.skew'] !== undefined,
    );
    // a counter with a unit conversion counts 1 per event
    expect(f.counters['app.job.stop.count']).toBe(3);
    // SI kilobytes: 3000 + 500 + 1 bytes
    expect(f.counters['app.job.stop.bytes']).toBeCloseTo(3.501, 12);
    expect(f.gauges['app.queue.depth']).toBe(7);
    // a negative gauge arrives as a value, not a change
    expect(f.gauges['app.clock.skew']).toBe(-5);
    // timings are milliseconds, converted back from seconds
    expect(f.timers['app.job.stop.duration']?.sort((a, b) => a - b)).toEqual([20, 250, 1500]);
    // the negative distribution value was skipped and counted, not sent as a line the daemon refuses
    expect(f.timers['app.job.stop.drift.mail']).toEqual([4]);
    expect(f.timers['app.job.stop.drift.sms']).toEqual([2]);
    expect(reporter.stats().skipped).toEqual({ negative_timing: 1 });
    expect(f.counters['statsd.bad_lines_seen']).toBe(0);
    expect(output + errors).not.toContain('Bad line');
    await t.shutdown();
  });

  it('is a real parser: a negative timing sent by hand is a bad line', async () => {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve, reject) =>
      socket.send('app.raw.timing:-3|ms', port, '127.0.0.1', (error) => (error ? reject(error) : resolve())),
    );
    socket.close();
    const f = await until((x) => (x.counters['statsd.bad_lines_seen'] ?? 0) > 0);
    expect(f.counters['statsd.bad_lines_seen']).toBe(1);
    expect(output + errors).toContain('Bad line');
  });
});
