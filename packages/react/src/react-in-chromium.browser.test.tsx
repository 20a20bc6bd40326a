import { createTelemetry } from '@isotel/core';
import { captureEvents } from '@isotel/core/testing';
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import { StrictMode } from 'react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TelemetryProvider, useMountSpan, useTelemetryEvents } from './index.js';

// Renders here are scheduled by React itself, as in an app, not flushed by act().
beforeAll(() => {
  (globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = false;
});
afterEach(cleanup);

const nextFrame = () => new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));

describe('@isotel/react in Chromium', () => {
  it('renders a stream of events from many tasks once per animation frame', async () => {
    const t = createTelemetry();
    let renders = 0;
    function Feed() {
      const { events } = useTelemetryEvents('feed.*', { limit: 50 });
      renders++;
      return <output aria-label="count">{events.length}</output>;
    }
    render(
      <TelemetryProvider telemetry={t}>
        <Feed />
      </TelemetryProvider>,
    );
    await nextFrame();
    const before = renders;
    // 40 events, each in its own macrotask, all posted at the start of one frame.
    const channel = new MessageChannel();
    let n = 0;
    channel.port1.onmessage = () => t.emit('feed.item', { n: n++ });
    for (let i = 0; i < 40; i++) channel.port2.postMessage(null);
    await waitFor(() => expect(screen.getByLabelText('count').textContent).toBe('40'));
    channel.port1.close();
    // React alone would render once per task (40); the list renders per frame.
    expect(renders - before).toBeLessThan(8);
  });

  it('times a mount span with the page clock and keeps one span under StrictMode', async () => {
    const t = createTelemetry();
    const capture = captureEvents(t, 'page.**');
    function Page() {
      useMountSpan('page.view', { route: '/cart' });
      return <h1>cart</h1>;
    }
    const view = render(
      <StrictMode>
        <TelemetryProvider telemetry={t}>
          <Page />
        </TelemetryProvider>
      </StrictMode>,
    );
    expect(screen.getByRole('heading', { name: 'cart' })).toBeTruthy();
    await new Promise((resolve) => setTimeout(resolve, 30));
    view.unmount();
    const stop = await capture.waitFor((e) => e.name === 'page.view.stop');
    expect(capture.names).toEqual(['page.view.start', 'page.view.stop']);
    expect(stop.measurements.duration).toBeGreaterThanOrEqual(25);
    expect(stop.metadata.route).toBe('/cart');
    expect(t.stats().openSpans).toBe(0);
  });

  it("lists the mount span of a sibling that mounts in the same commit, as in the guide's example", async () => {
    const t = createTelemetry();
    function Cart() {
      useMountSpan('cart.view', { items: 3 });
      return null;
    }
    function EventLog() {
      const { events } = useTelemetryEvents(['cart.**', 'checkout.**'], { limit: 20 });
      return (
        <ol aria-label="events">
          {events.map((e) => (
            <li key={e.key}>{e.name}</li>
          ))}
        </ol>
      );
    }
    render(
      <StrictMode>
        <TelemetryProvider telemetry={t}>
          <Cart />
          <EventLog />
        </TelemetryProvider>
      </StrictMode>,
    );
    await waitFor(() =>
      expect(screen.getAllByRole('listitem').map((li) => li.textContent)).toEqual(['cart.view.start']),
    );
    expect(t.listHandlers()).toHaveLength(1);
    cleanup();
    expect(t.listHandlers()).toHaveLength(0);
  });
});
