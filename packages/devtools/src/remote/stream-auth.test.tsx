/**
 * @vitest-environment-options { "settings": { "fetch": { "disableSameOriginPolicy": true } } }
 */
import { createTelemetry } from '@isotel/core';
import { createCollector } from '@isotel/core/node';
import { within } from '@testing-library/dom';
import { waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { mountDevtools } from '../production.js';
import { readSse } from './sse-reader.js';

// A wrong or missing admin token: the collector's answer is final until the user acts, and the
// panel says what the collector said.

const ADMIN = 'admin-token';
const realFetch = globalThis.fetch;
const cleanups: (() => unknown)[] = [];
let streamRequests = 0;
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  globalThis.fetch = realFetch;
  localStorage.clear();
});

async function collector() {
  const telemetry = createTelemetry();
  const c = createCollector({ telemetry, adminToken: ADMIN });
  const server = await c.listen(0, '127.0.0.1');
  cleanups.push(() => c.close());
  streamRequests = 0;
  globalThis.fetch = ((input: RequestInfo | URL, init?: RequestInit) => {
    if (String(input).includes('/v1/stream')) streamRequests++;
    return realFetch(input, init);
  }) as typeof fetch;
  return { telemetry, url: server.url };
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('readSse', { timeout: 20_000 }, () => {
  it.each([
    [undefined, 401, /A bearer token is required/],
    ['wrong', 403, /This token is not accepted here/],
  ])('stops on a refused token (%s) with the collector message', async (token, status, message) => {
    const { url } = await collector();
    const statuses: (string | undefined)[] = [];
    const abort = new AbortController();
    cleanups.push(() => abort.abort());
    const done = readSse(`${url}/v1/stream`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
      signal: abort.signal,
      onMessage: () => {},
      onStatus: (s) => statuses.push(s),
      retryMs: 50,
    });
    const outcome = await Promise.race([done.then(() => 'returned'), wait(1000).then(() => 'still retrying')]);
    expect(outcome).toBe('returned');
    expect(streamRequests).toBe(1);
    expect(statuses).toHaveLength(1);
    expect(statuses[0]).toMatch(message);
    expect(statuses[0]).toContain(String(status));
  });
});

describe('the panel with a refused admin token', { timeout: 20_000 }, () => {
  it("shows the collector's message, stops retrying, and reconnects on request or with a new token", async () => {
    const { telemetry, url } = await collector();
    const el = document.createElement('div');
    document.body.appendChild(el);
    const handle = mountDevtools(el, { collectorUrl: url, adminToken: 'wrong', initialIsOpen: true });
    cleanups.push(() => {
      handle.unmount();
      el.remove();
    });
    const root = el.querySelector('[data-isotel-devtools]')?.shadowRoot?.querySelector<HTMLElement>('.root');
    if (!root) throw new Error('no panel');
    const ui = within(root);
    const header = root.querySelector('.header') as HTMLElement;
    await waitFor(() => expect(header.textContent).toContain('This token is not accepted here.'), { timeout: 5000 });
    expect(header.textContent).not.toContain('retrying');
    await wait(1500);
    expect(streamRequests).toBe(1);

    await userEvent.click(ui.getByRole('button', { name: 'Reconnect' }));
    await waitFor(() => expect(streamRequests).toBe(2), { timeout: 5000 });

    handle.setCollector(url, ADMIN);
    await waitFor(() => expect(header.textContent).not.toContain('not accepted'), { timeout: 5000 });
    expect(ui.queryByRole('button', { name: 'Reconnect' })).toBeNull();
    await waitFor(() => expect(telemetry.listHandlers().length).toBeGreaterThan(0), { timeout: 5000 });
    telemetry.emit('orders.created', { count: 1 });
    await waitFor(() => expect(ui.getByRole('listbox', { name: 'Events' }).textContent).toContain('orders.created'), {
      timeout: 5000,
    });
  });
});
