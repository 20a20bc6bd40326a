import { afterEach, describe, expect, it } from 'vitest';
import { createTelemetry } from '../../bus/telemetry.js';
import { captureEvents } from '../../testing/capture-events.js';
import { type Collector, createCollector } from './collector.js';

const INGEST = 'ingest-secret';
const ADMIN = 'admin-secret';
const admin = { authorization: `Bearer ${ADMIN}` };
const running: Collector[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((c) => c.close()));
});

async function start() {
  const telemetry = createTelemetry();
  const collector = createCollector({ telemetry, ingestToken: INGEST, adminToken: ADMIN, node: 'api-1' });
  running.push(collector);
  const { url } = await collector.listen(0, '127.0.0.1');
  return { telemetry, collector, url };
}

function ids(telemetry: ReturnType<typeof createTelemetry>): string[] {
  return telemetry.listHandlers().map((h) => h.id);
}

describe('DELETE /v1/handlers/:id', () => {
  it('detaches the handler from the server bus, answers 204 and reports it as a self-event', async () => {
    const { telemetry, url } = await start();
    const seen: string[] = [];
    telemetry.attach('orders-log', 'orders.**', (name) => seen.push(name));
    const detaches = captureEvents(telemetry, 'isotel.collector.handler.detach');

    const response = await fetch(`${url}/v1/handlers/orders-log`, { method: 'DELETE', headers: admin });
    expect(response.status).toBe(204);
    expect(await response.text()).toBe('');
    expect(ids(telemetry)).not.toContain('orders-log');
    telemetry.emit('orders.created', { count: 1 });
    expect(seen).toEqual([]);
    expect(detaches.events).toMatchObject([
      {
        name: 'isotel.collector.handler.detach',
        measurements: { count: 1 },
        metadata: { node: 'api-1', handlerId: 'orders-log' },
      },
    ]);
    const listed = (await (await fetch(`${url}/v1/handlers`, { headers: admin })).json()) as {
      handlers: { id: string }[];
    };
    expect(listed.handlers.map((h) => h.id)).not.toContain('orders-log');
  });

  it('answers 404 for a handler that is not attached, including a second delete of the same id', async () => {
    const { telemetry, url } = await start();
    telemetry.attach('once', 'a.*', () => undefined);
    expect((await fetch(`${url}/v1/handlers/once`, { method: 'DELETE', headers: admin })).status).toBe(204);
    const again = await fetch(`${url}/v1/handlers/once`, { method: 'DELETE', headers: admin });
    expect(again.status).toBe(404);
    expect(await again.json()).toEqual({ error: { code: 'unknown_handler', message: 'No handler once is attached.' } });
    expect((await fetch(`${url}/v1/handlers/never`, { method: 'DELETE', headers: admin })).status).toBe(404);
  });

  it('decodes the id from the path, so ids with dots, slashes and spaces work', async () => {
    const { telemetry, url } = await start();
    telemetry.attach('billing/audit log.v2', 'billing.**', () => undefined);
    const path = `${url}/v1/handlers/${encodeURIComponent('billing/audit log.v2')}`;
    expect((await fetch(path, { method: 'DELETE', headers: admin })).status).toBe(204);
    expect(ids(telemetry)).not.toContain('billing/audit log.v2');
    const bad = await fetch(`${url}/v1/handlers/%E0%A4%A`, { method: 'DELETE', headers: admin });
    expect(bad.status).toBe(400);
  });

  it('requires the admin token: 401 without one, 403 with the ingest token, and the handler stays', async () => {
    const { telemetry, url } = await start();
    telemetry.attach('kept', 'a.*', () => undefined);
    const none = await fetch(`${url}/v1/handlers/kept`, { method: 'DELETE' });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    const ingest = await fetch(`${url}/v1/handlers/kept`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${INGEST}` },
    });
    expect(ingest.status).toBe(403);
    expect(ids(telemetry)).toContain('kept');
  });

  it('answers 405 with Allow: DELETE for other methods, without detaching', async () => {
    const { telemetry, url } = await start();
    telemetry.attach('kept', 'a.*', () => undefined);
    const get = await fetch(`${url}/v1/handlers/kept`, { headers: admin });
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('DELETE');
    expect(ids(telemetry)).toContain('kept');
  });

  it("refuses with 409 to detach the collector's own stream handler, which keeps streaming", async () => {
    const { telemetry, url } = await start();
    const stream = await fetch(`${url}/v1/stream?pattern=orders.**`, { headers: admin });
    const reader = (stream.body as ReadableStream<Uint8Array>).getReader();
    try {
      const own = ids(telemetry).find((id) => id.startsWith('isotel.collector.stream.'));
      expect(own).toBeDefined();
      const refused = await fetch(`${url}/v1/handlers/${encodeURIComponent(own as string)}`, {
        method: 'DELETE',
        headers: admin,
      });
      expect(refused.status).toBe(409);
      expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('collector_handler');
      expect(ids(telemetry)).toContain(own);
      telemetry.emit('orders.created', { count: 1 });
      const decoder = new TextDecoder();
      let text = '';
      while (!text.includes('orders.created')) {
        const chunk = await reader.read();
        if (chunk.done) break;
        text += decoder.decode(chunk.value, { stream: true });
      }
      expect(text).toContain('orders.created');
    } finally {
      await reader.cancel();
    }
  });
});
