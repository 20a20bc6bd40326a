import { createTelemetry } from '@isotel/core';
import { act, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mountDevtools } from '../production.js';
import { STREAM_RENDER_INTERVAL_MS } from './render-scheduler.js';

// Switching the panel's data source while it is open: from a collector back to the page's bus.

const COLLECTOR = 'http://collector.invalid:4399';
const realFetch = globalThis.fetch;
let streamRequests: string[];
let container: HTMLElement;
const cleanups: (() => void)[] = [];

beforeEach(() => {
  localStorage.clear();
  streamRequests = [];
  // the collector is down: every request fails at once, as an unreachable host does
  globalThis.fetch = (async (input: RequestInfo | URL) => {
    streamRequests.push(String(input));
    throw new TypeError('Failed to fetch');
  }) as typeof fetch;
  container = document.createElement('div');
  document.body.appendChild(container);
});
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
  globalThis.fetch = realFetch;
  container.remove();
  localStorage.clear();
});

function shadowRoot(): ShadowRoot {
  const root = container.querySelector('[data-isotel-devtools]')?.shadowRoot;
  if (!root) throw new Error('no devtools shadow root');
  return root;
}

function frame(): Promise<void> {
  return act(
    () =>
      new Promise<void>((resolve) =>
        setTimeout(() => requestAnimationFrame(() => resolve()), STREAM_RENDER_INTERVAL_MS + 10),
      ),
  );
}

async function expectWatchingBus(t: ReturnType<typeof createTelemetry>): Promise<void> {
  const root = shadowRoot();
  await waitFor(() => expect(root.querySelector('.source')?.textContent).toBe('in-page bus'));
  await waitFor(() => expect(root.querySelector('.header [role="status"]')?.textContent ?? '').toBe(''));
  const before = streamRequests.length;
  act(() => t.emit('local.only', { n: 1 }));
  await frame();
  expect([...root.querySelectorAll('[role="option"] .name')].map((n) => n.textContent)).toContain('local.only');
  // the old stream is not retried any more (its first retry would come after 1 s)
  await act(() => new Promise((resolve) => setTimeout(resolve, 1300)));
  expect(streamRequests.length).toBe(before);
}

describe('switching from a collector back to the in-page bus', () => {
  it('setTelemetry(t) drops the collector and watches t', async () => {
    const t = createTelemetry();
    const handle = mountDevtools(container, { collectorUrl: COLLECTOR, initialIsOpen: true });
    cleanups.push(() => handle.unmount());
    expect(shadowRoot().querySelector('.source')?.textContent).toBe(COLLECTOR);
    await waitFor(() => expect(streamRequests.length).toBeGreaterThan(0));
    act(() => handle.setTelemetry(t));
    await expectWatchingBus(t);
  });

  it('setCollector(undefined) returns to the bus given at mount', async () => {
    const t = createTelemetry();
    const handle = mountDevtools(container, { telemetry: t, collectorUrl: COLLECTOR, initialIsOpen: true });
    cleanups.push(() => handle.unmount());
    await waitFor(() => expect(streamRequests.length).toBeGreaterThan(0));
    act(() => handle.setCollector(undefined));
    await expectWatchingBus(t);
  });

  it('goes from the bus to a collector and back', async () => {
    const t = createTelemetry();
    const handle = mountDevtools(container, { telemetry: t, initialIsOpen: true });
    cleanups.push(() => handle.unmount());
    act(() => handle.setCollector(COLLECTOR, 'token'));
    expect(shadowRoot().querySelector('.source')?.textContent).toBe(COLLECTOR);
    await waitFor(() => expect(streamRequests.length).toBeGreaterThan(0));
    act(() => handle.setCollector(undefined));
    await expectWatchingBus(t);
  });
});
