import { existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type LaunchOptions } from '@playwright/test';
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '../../../id/uuidv7.js';
import { batch, Cluster, nodeStats } from './cluster.test-kit.js';
import { hasNginx } from './processes.test-kit.js';
import { hasRedis } from './redis-server.test-kit.js';

// The whole topology with real processes: the lab page's browser exporter (e2e/lab, in Debian's
// Chromium) and scripted clients send through nginx round-robin to three collector processes
// sharing one redis-server. Redis is restarted under load; a collector is killed with SIGKILL in
// the middle of a browser batch and restarted. Every event re-emitted by any collector is counted
// from its sink file, so the counts below are exact across processes, the killed one included.

const TOKEN = 'lab-token';
const repo = new URL('../../../../../../', import.meta.url);
// the e2e suites' launch options for Debian's Chromium, read from e2e/ (one place for its flags)
const { chromiumLaunchOptions } = (await import(new URL('e2e/chromium.ts', repo).href)) as {
  chromiumLaunchOptions: LaunchOptions & { executablePath: string };
};
const hasChromium = existsSync(chromiumLaunchOptions.executablePath);
const marker = join(tmpdir(), `isotel-kill-${uuidv7()}`);
let lab: ViteDevServer | undefined;
let labPort = 0;
let cluster: Cluster | undefined;
let browser: Browser | undefined;

interface Lab {
  startExporter(options: Record<string, unknown>): Promise<void>;
  emitNumbered(name: string, count: number, from: number, tab: string): void;
  stats(): { queued: number; inFlight: number; retried: number; dropped: Record<string, number> };
}
type LabWindow = { isotelLab: Lab };

beforeAll(async () => {
  if (!hasRedis || !hasNginx || !hasChromium) return;
  lab = await createServer({
    configFile: new URL('e2e/lab/vite.config.ts', repo).pathname,
    server: { port: 0, host: '127.0.0.1', strictPort: false },
    logLevel: 'silent',
  });
  await lab.listen();
  const address = lab.httpServer?.address();
  labPort = typeof address === 'object' && address !== null ? address.port : 0;
  cluster = await Cluster.start(3, {
    ISOTEL_INGEST_TOKEN: TOKEN,
    ISOTEL_CORS_ORIGIN: `http://127.0.0.1:${labPort}`,
    ISOTEL_RATE_LIMIT: 'off',
    ISOTEL_PENDING_MS: '1500',
    ISOTEL_KILL_ON: 'tab=doomed',
    ISOTEL_KILL_MARKER: marker,
  });
  browser = await chromium.launch(chromiumLaunchOptions);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await cluster?.stop();
  await lab?.close();
  rmSync(marker, { force: true });
});

describe.skipIf(!hasRedis || !hasNginx || !hasChromium)(
  'a browser and scripted clients, nginx, 3 collectors, Redis',
  () => {
    it('Redis restarted under load and a collector killed mid-batch: every event is re-emitted exactly once', async () => {
      const c = cluster as Cluster;
      const page = await (browser as Browser).newPage();
      await page.goto(`http://127.0.0.1:${labPort}/`);
      await page.locator('#status').getByText('ready').waitFor();
      await page.evaluate((o) => (globalThis as unknown as LabWindow).isotelLab.startExporter(o), {
        url: c.nginx.url,
        token: TOKEN,
        flushIntervalMs: 100,
        batchSize: 25,
        backoff: { baseMs: 100, maxMs: 400 },
      });

      // load: three scripted clients, and the page emitting, until told to stop
      const scripted: string[] = [];
      let accepted = 0;
      let duplicates = 0;
      let running = true;
      let browserEvents = 0;
      const client = async (clientId: string) => {
        while (running) {
          const { body, ids } = batch(clientId, 10);
          scripted.push(...ids);
          const { answer } = await c.send(body, { authorization: `Bearer ${TOKEN}` });
          accepted += answer.accepted;
          duplicates += answer.duplicates;
          await new Promise((r) => setTimeout(r, 10));
        }
      };
      const pageLoad = async () => {
        while (running) {
          await page.evaluate(
            (from) => (globalThis as unknown as LabWindow).isotelLab.emitNumbered('lab.step', 20, from, 'load'),
            browserEvents,
          );
          browserEvents += 20;
          await new Promise((r) => setTimeout(r, 50));
        }
      };
      const drained = async () => {
        for (let waited = 0; ; waited += 50) {
          const s = await page.evaluate(() => (globalThis as unknown as LabWindow).isotelLab.stats());
          if (s.queued === 0 && s.inFlight === 0) return s;
          if (waited > 15_000) throw new Error(`the page did not drain: ${JSON.stringify(s)}`);
          await new Promise((r) => setTimeout(r, 50));
        }
      };
      const load = () => {
        running = true;
        return Promise.all([client('s1'), client('s2'), client('s3'), pageLoad()]);
      };
      const stats = () => Promise.all(c.collectors.map((p) => nodeStats(p.port)));
      const until = async (what: string, check: () => Promise<boolean>) => {
        for (let waited = 0; !(await check()); waited += 50) {
          if (waited > 10_000) throw new Error(`timed out waiting for ${what}`);
          await new Promise((r) => setTimeout(r, 50));
        }
      };

      // 1. Redis is stopped under load: the collectors keep accepting per process (fallbacks), then
      // it comes back empty (no persistence) and they share again
      let running1 = load();
      await until('some events', async () => scripted.length >= 300 && browserEvents >= 100);
      await c.redis.stop();
      await until('ingest answered per process', async () => (await stats()).some((s) => s.store.fallbacks > 0));
      await c.redis.restart();
      await until('every collector back on Redis', async () => (await stats()).every((s) => s.store.status === 'up'));
      const restarted = scripted.length;
      await until('more events', async () => scripted.length >= restarted + 300);
      running = false;
      await running1;
      await drained();

      // 2. a browser batch kills the collector taking it (SIGKILL, after claiming its ids, before
      // delivering any); the exporter's retry waits out the pending claim; the collector restarts
      const retriedBefore = (await page.evaluate(() => (globalThis as unknown as LabWindow).isotelLab.stats())).retried;
      await page.evaluate(() =>
        (globalThis as unknown as LabWindow).isotelLab.emitNumbered('lab.step', 10, 0, 'doomed'),
      );
      const afterKill = await drained();
      expect(afterKill.retried).toBeGreaterThan(retriedBefore);
      expect(afterKill.dropped).toEqual({});
      const killed = c.collectors.findIndex((p) => p.child.signalCode === 'SIGKILL');
      expect(killed).toBeGreaterThanOrEqual(0);
      await c.restart(killed);
      const before = scripted.length;
      running1 = load();
      await until('load after the restart', async () => scripted.length >= before + 300);
      running = false;
      await running1;
      const final = await drained();
      expect(final.dropped).toEqual({});

      // exact counts: each scripted and browser event re-emitted once, by whichever collector
      const delivered = c.delivered();
      const expected = scripted.length + browserEvents + 10;
      expect(new Set(delivered).size).toBe(delivered.length);
      expect(delivered.length).toBe(expected);
      const seen = new Set(delivered);
      expect(scripted.every((id) => seen.has(id))).toBe(true);
      expect([accepted, duplicates]).toEqual([scripted.length, 0]);
    }, 50_000);
  },
);
