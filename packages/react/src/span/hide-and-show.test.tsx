import { createTelemetry, type Telemetry } from '@isotel/core';
import { captureEvents } from '@isotel/core/testing';
import { act, cleanup, render } from '@testing-library/react';
import { Activity, type ReactNode, StrictMode, Suspense, use, useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { useTelemetryEvents } from '../events/use-telemetry-events.js';
import { TelemetryProvider } from '../provider.js';
import { useMountSpan } from './use-mount-span.js';
import { type MountSpanHandle, type TelemetrySpanHandle, useTelemetrySpan } from './use-telemetry-span.js';

// React gives a component no way to tell being hidden (<Activity mode="hidden">, a Suspense
// boundary showing its fallback again) from being unmounted: both run its layout cleanups. These
// tests pin what the span hooks do about it.

afterEach(cleanup);

let pay: TelemetrySpanHandle;
let visit: MountSpanHandle;

function Checkout() {
  pay = useTelemetrySpan('checkout.payment', { items: 3 });
  visit = useMountSpan('checkout.page');
  return <p>checkout</p>;
}

let setVisible: (visible: boolean) => void = () => {};

function Tabs({ children }: { children: ReactNode }) {
  const [visible, set] = useState(true);
  setVisible = set;
  return <Activity mode={visible ? 'visible' : 'hidden'}>{children}</Activity>;
}

function mount(t: Telemetry, ui: ReactNode) {
  return render(
    <StrictMode>
      <TelemetryProvider telemetry={t}>{ui}</TelemetryProvider>
    </StrictMode>,
  );
}

const hide = () => act(async () => setVisible(false));
const show = () => act(async () => setVisible(true));

describe('spans of a component that is hidden and shown again', () => {
  it('end at the hide and restart, marked resumed, when a Suspense boundary shows them again', async () => {
    const t = createTelemetry();
    const capture = captureEvents(t, 'checkout.payment.*');
    let release: () => void = () => {};
    const data = new Promise<void>((resolve) => (release = resolve));
    let setLoading: (loading: boolean) => void = () => {};
    function More() {
      const [loading, set] = useState(false);
      setLoading = set;
      if (loading) use(data);
      return null;
    }
    mount(
      t,
      <Suspense fallback={<p>loading</p>}>
        <Checkout />
        <More />
      </Suspense>,
    );
    act(() => pay.start());
    // a sibling suspends: the boundary hides Checkout behind its fallback, then shows it again
    await act(async () => setLoading(true));
    expect(pay.active).toBe(false);
    await act(async () => release());
    expect(pay.active).toBe(true);
    act(() => pay.end({ outcome: 'paid' }));
    expect(capture.names).toEqual([
      'checkout.payment.start',
      'checkout.payment.stop',
      'checkout.payment.start',
      'checkout.payment.stop',
    ]);
    const [first, abandoned, resumed, paid] = capture.events;
    expect(abandoned?.metadata).toMatchObject({ abandoned: true, spanId: first?.metadata.spanId });
    expect(resumed?.metadata).toMatchObject({ items: 3, resumed: true });
    expect(paid?.metadata).toMatchObject({ outcome: 'paid', resumed: true, spanId: resumed?.metadata.spanId });
    expect(t.stats().openSpans).toBe(0);
  });

  it('restart a running mount span when an Activity shows the component again', async () => {
    const t = createTelemetry();
    const capture = captureEvents(t, 'checkout.page.*');
    const view = mount(
      t,
      <Tabs>
        <Checkout />
      </Tabs>,
    );
    await hide();
    expect(visit.active).toBe(false);
    expect(t.stats().openSpans).toBe(0);
    await show();
    expect(visit.active).toBe(true);
    view.unmount();
    await Promise.resolve();
    expect(capture.names).toEqual([
      'checkout.page.start',
      'checkout.page.stop',
      'checkout.page.start',
      'checkout.page.stop',
    ]);
    expect(capture.events[0]?.metadata.resumed).toBeUndefined();
    expect(capture.events[2]?.metadata.resumed).toBe(true);
    expect(t.stats().openSpans).toBe(0);
  });

  it('do not restart what was ended before the hide', async () => {
    const t = createTelemetry();
    const capture = captureEvents(t, 'checkout.**');
    mount(
      t,
      <Tabs>
        <Checkout />
      </Tabs>,
    );
    act(() => {
      pay.start();
      pay.end();
      visit.end({ outcome: 'paid' });
    });
    await hide();
    await show();
    expect(capture.names).toEqual([
      'checkout.page.start',
      'checkout.payment.start',
      'checkout.payment.stop',
      'checkout.page.stop',
    ]);
    expect(pay.active).toBe(false);
    expect(visit.active).toBe(false);
  });

  it('ignore start while hidden, and do not restart a span ended while hidden', async () => {
    const t = createTelemetry();
    const capture = captureEvents(t, 'checkout.payment.*');
    mount(
      t,
      <Tabs>
        <Checkout />
      </Tabs>,
    );
    act(() => pay.start());
    await hide();
    // the flow finished while its component was hidden: its span already ended at the hide
    act(() => pay.end({ outcome: 'paid' }));
    act(() => pay.start({ again: true }));
    expect(pay.active).toBe(false);
    await show();
    expect(pay.active).toBe(false);
    expect(capture.names).toEqual(['checkout.payment.start', 'checkout.payment.stop']);
    expect(capture.events[1]?.metadata.abandoned).toBe(true);
    expect(t.stats().openSpans).toBe(0);
  });

  it('keep an event list recording while hidden', async () => {
    const t = createTelemetry();
    function Log() {
      const { events } = useTelemetryEvents('tab.*', { flush: 'microtask' });
      return <output aria-label="count">{events.length}</output>;
    }
    const view = mount(
      t,
      <Tabs>
        <Log />
      </Tabs>,
    );
    await hide();
    expect(t.listHandlers()).toHaveLength(1);
    await act(async () => t.emit('tab.event'));
    await show();
    expect(view.getByLabelText('count').textContent).toBe('1');
    view.unmount();
    expect(t.listHandlers()).toHaveLength(0);
  });
});
