// The browser exporter follows the configuration's exporter.* keys live, in real Chromium against
// the scripted HTTP collector: a new endpoint never loses or doubles an event.
import { describe, expect, it } from 'vitest';
import type { Telemetry } from '../bus/telemetry.js';
import { loadConfig } from '../config/config.js';
import { applyExporterConfig, exporterOptions } from '../config/exporter-config.js';
import { afterThisTest, bin, events, heldFetch, type Received, setup } from './exporter.test-kit.js';

function emitMany(t: Telemetry, from: number, count: number): void {
  for (let i = from; i < from + count; i++) t.emit('checkout.step', { duration: i }, { index: i });
}
const indexes = (requests: Received[]) => events(requests.filter((r) => r.status === 200)).map((e) => e.metadata.index);
const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);

async function until(condition: () => boolean | Promise<boolean>): Promise<void> {
  for (let waited = 0; !(await condition()); waited += 10) {
    if (waited > 5000) throw new Error('condition not met within 5 s');
    await new Promise((r) => setTimeout(r, 10));
  }
}

function followed(endpoint: string, extra: { batchSize?: number } = {}) {
  // as an app would, from build-time variables (import.meta.env with envPrefix ISOTEL_)
  const config = loadConfig({
    env: {
      ISOTEL_EXPORTER_ENDPOINT: endpoint,
      ISOTEL_EXPORTER_BATCH_SIZE: String(extra.batchSize ?? 1000),
      ISOTEL_EXPORTER_FLUSH_INTERVAL_MS: '60000',
    },
  });
  return config;
}

describe('the browser exporter follows exporter.* in the configuration', () => {
  it('moves to a new endpoint between flushes: the request in flight ends at the old one, the rest goes to the new one, once each', async () => {
    const [a, b] = [bin(), bin()];
    const config = followed(a.url);
    const held = heldFetch();
    const { t, exporter } = setup({ ...exporterOptions(config), fetch: held.fetch });
    afterThisTest(applyExporterConfig(config, exporter));
    await exporter.ready;

    emitMany(t, 0, 5);
    const first = exporter.flush();
    await until(() => exporter.stats().inFlight === 5);
    config.set('exporter.endpoint', b.url);
    emitMany(t, 5, 5);
    held.release();
    await first;
    await exporter.flush();
    expect(indexes(await a.received())).toEqual(range(0, 5));
    expect(indexes(await b.received())).toEqual(range(5, 5));
    expect(exporter.stats()).toMatchObject({ queued: 0, sent: 10, inFlight: 0 });
  });

  it('sends what an unreachable endpoint left queued to the new one, with a fresh breaker and no backoff', async () => {
    const [down, up] = [bin(), bin()];
    await down.script({ status: 503 }, { status: 503 });
    const config = followed(down.url);
    const { t, exporter } = setup({ ...exporterOptions(config), breaker: { failureThreshold: 1 } });
    afterThisTest(applyExporterConfig(config, exporter));
    await exporter.ready;
    emitMany(t, 0, 4);
    await exporter.flush();
    expect(exporter.stats()).toMatchObject({ queued: 4, sent: 0, breaker: 'open' });

    config.set('exporter.endpoint', up.url);
    emitMany(t, 4, 2);
    await exporter.flush();
    expect(indexes(await up.received())).toEqual(range(0, 6));
    expect(indexes(await down.received())).toEqual([]);
    expect(exporter.stats()).toMatchObject({ queued: 0, sent: 6, breaker: 'closed' });
  });

  it('takes a new batch size and flush interval from the next flush on, and switches with exporter.enabled', async () => {
    const b = bin();
    const config = followed(b.url);
    const { t, exporter, time } = setup(exporterOptions(config));
    afterThisTest(applyExporterConfig(config, exporter));
    await exporter.ready;

    config.set('exporter.batchSize', 3);
    await exporter.configure({}); // resolves once what is pending is applied
    emitMany(t, 0, 3); // the third triggers a flush now
    time.advance(0);
    await until(async () => indexes(await b.received()).length === 3);

    config.set('exporter.flushIntervalMs', 200);
    await exporter.configure({});
    emitMany(t, 3, 1);
    time.advance(200);
    await until(async () => indexes(await b.received()).length === 4);

    config.set('exporter.enabled', false);
    emitMany(t, 4, 2); // not taken
    expect(exporter.stats().queued).toBe(0);
    config.set('exporter.enabled', true);
    emitMany(t, 6, 1);
    await exporter.flush();
    expect(indexes(await b.received())).toEqual([0, 1, 2, 3, 6]);

    config.set('enabled', false); // the master switch too
    emitMany(t, 7, 1);
    await exporter.flush();
    expect(indexes(await b.received())).toEqual([0, 1, 2, 3, 6]);
  });

  it('refuses a bad setting naming it, changing nothing', async () => {
    const b = bin();
    const { t, exporter } = setup({ url: b.url });
    await exporter.ready;
    expect(() => exporter.configure({ url: 'http://[bad', batchSize: 5 })).toThrow(/url must be a URL/);
    expect(() => exporter.configure({ url: '' })).toThrow(/url must be a URL/);
    expect(() => exporter.configure({ batchSize: 0 })).toThrow(/batchSize/);
    emitMany(t, 0, 2);
    await exporter.flush();
    expect(indexes(await b.received())).toEqual([0, 1]);
  });
});
