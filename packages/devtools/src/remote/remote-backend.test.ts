import { createTelemetry } from '@isotel/core';
import { createCollector } from '@isotel/core/node';
import { afterEach, describe, expect, it } from 'vitest';
import { collectorWithStatsd, failingAudit } from './collector-exporters.test-kit.js';
import { CollectorError, RemoteBackend } from './remote-backend.js';

const ADMIN = 'admin-secret';
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startCollector() {
  const telemetry = createTelemetry();
  const collector = createCollector({ telemetry, adminToken: ADMIN, node: 'collector-a' });
  const server = await collector.listen(0, '127.0.0.1');
  cleanups.push(() => collector.close());
  return { telemetry, url: server.url };
}

describe('RemoteBackend against a real collector', () => {
  it('streams the collector bus events over SSE with the admin token as a bearer header', async () => {
    const { telemetry, url } = await startCollector();
    const backend = new RemoteBackend(url, ADMIN);
    const seen: string[] = [];
    const statuses: (string | undefined)[] = [];
    const stop = backend.subscribe(
      (name) => seen.push(name),
      (s) => statuses.push(s?.message),
    );
    cleanups.push(stop);
    // the stream attaches its bus handler once the first reader is connected
    await expect.poll(() => telemetry.listHandlers().length).toBeGreaterThan(0);
    telemetry.emit('orders.created', { count: 1 }, { spanId: 's1' });
    await expect.poll(() => seen).toContain('orders.created');
    expect(statuses).toContain(undefined);
  });

  it("reports a refused token as a final stream error with the collector's message", async () => {
    const { url } = await startCollector();
    const backend = new RemoteBackend(url, 'wrong');
    const statuses: ({ message: string; retrying: boolean } | undefined)[] = [];
    const stop = backend.subscribe(
      () => {},
      (s) => statuses.push(s),
    );
    cleanups.push(stop);
    await expect.poll(() => statuses.length).toBeGreaterThan(0);
    expect(statuses).toEqual([{ message: 'Stream refused (403): This token is not accepted here.', retrying: false }]);
  });

  it('lists handlers and stats, and applies or refuses control through the admin routes', async () => {
    const { telemetry, url } = await startCollector();
    telemetry.attach('server.log', 'orders.**', () => {});
    const backend = new RemoteBackend(url, ADMIN);
    expect((await backend.handlers()).map((h) => h.id)).toContain('server.log');
    expect(await backend.stats()).toEqual({ dropped: {}, node: 'collector-a' });
    const applied = await backend.setControl({ enabled: true, sampleRate: 0.5, rules: [], allow: [], deny: [] });
    expect(applied.sampleRate).toBe(0.5);
    expect((await backend.control())?.sampleRate).toBe(0.5);
    await expect(backend.setControl(null as never)).rejects.toThrow(/control/i);
    expect((await backend.control())?.sampleRate).toBe(0.5);
  });

  it('detaches a server handler and refetches the handler list at once (the mutation invalidates it)', async () => {
    const { telemetry, url } = await startCollector();
    telemetry.attach('server.audit', 'orders.**', () => {});
    const backend = new RemoteBackend(url, ADMIN);
    expect((await backend.handlers()).map((h) => h.id)).toContain('server.audit');
    // well inside the query's staleTime: only the invalidation makes the next read refetch
    expect(await backend.detach('server.audit')).toBe(true);
    expect(telemetry.listHandlers().map((h) => h.id)).not.toContain('server.audit');
    expect((await backend.handlers()).map((h) => h.id)).not.toContain('server.audit');
    expect(await backend.detach('server.audit')).toBe(false);
  });

  it("hides the collector's own stream handler and rejects a detach with the collector's message", async () => {
    const { telemetry, url } = await startCollector();
    const backend = new RemoteBackend(url, ADMIN);
    cleanups.push(
      backend.subscribe(
        () => {},
        () => {},
      ),
    );
    await expect.poll(() => telemetry.listHandlers().length).toBeGreaterThan(0);
    expect(await backend.handlers()).toEqual([]);
    const own = telemetry.listHandlers()[0]?.id as string;
    await expect(backend.detach(own)).rejects.toThrow('belongs to the collector itself');
    await expect(new RemoteBackend(url, 'wrong').detach('x')).rejects.toThrow('This token is not the admin token.');
  });

  it('shows a clear error when the admin token is missing', async () => {
    const { url } = await startCollector();
    await expect(new RemoteBackend(url, undefined).handlers()).rejects.toThrow('The admin token is required.');
  });
});

describe("RemoteBackend reads the collector's exporters", () => {
  async function withStatsd(adminToken: string | undefined) {
    const c = await collectorWithStatsd(adminToken, { audit: failingAudit });
    cleanups.push(() => c.close());
    return c;
  }

  it("reads GET /v1/exporters with the admin token: a real StatsD reporter's figures and the instance that answered", async () => {
    const c = await withStatsd(ADMIN);
    c.telemetry.emit('orders.created', { count: 1 }, { region: 'eu' });
    // longer than the reporter's 64-byte lines: dropped and counted as oversized
    c.telemetry.emit('orders.created', { count: 1 }, { region: 'x'.repeat(100) });
    await expect.poll(() => c.datagrams).toEqual(['orders.created.count:1|c|#region:eu']);
    const answer = await new RemoteBackend(c.url, ADMIN).exporters();
    expect(answer).toEqual({
      node: 'collector-a',
      exporters: [
        {
          name: 'statsd',
          sent: 2,
          failed: 1,
          details: { recorded: 2, skipped: {}, overflowed: {}, oversized: 1, sendErrors: 0 },
        },
        {
          name: 'audit',
          sent: 0,
          failed: 0,
          lastError: 'reading the status failed: Error: audit log closed',
          details: {},
        },
      ],
    });
  });

  it('rejects a missing or refused token, and a collector without the route, with the status and message', async () => {
    const c = await withStatsd(ADMIN);
    const refusal = async (backend: RemoteBackend) => {
      const error = await backend.exporters().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(CollectorError);
      return { status: (error as CollectorError).status, message: (error as CollectorError).message };
    };
    expect(await refusal(new RemoteBackend(c.url, undefined))).toEqual({
      status: 401,
      message: 'The admin token is required.',
    });
    expect(await refusal(new RemoteBackend(c.url, 'wrong'))).toEqual({
      status: 403,
      message: 'This token is not the admin token.',
    });
    // a collector that has no such route answers as this one does for a path it does not know
    expect(await refusal(new RemoteBackend(`${c.url}/older`, ADMIN))).toEqual({
      status: 404,
      message: 'No route for GET /older/v1/exporters.',
    });
  });
});
