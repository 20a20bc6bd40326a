import { createTelemetry, type Telemetry } from '@isotel/core';
import { captureEvents } from '@isotel/core/testing';
import { act, cleanup, render } from '@testing-library/react';
import { Activity, type ReactNode, StrictMode, Suspense, use, useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { useTelemetryEvents } from '../events/use-telemetry-events.js';
import { TelemetryProvider } from '../provider.js';
import { useMountSpan } from './use-mount-span.js';
import { type MountSpanHandle, type TelemetrySpanHandle, useTelemetrySpan } from './use-telemetry-span.js';

// React hides a component (<Activity mode="hidden">, a Suspense boundary showing its fallback
// again) by running its layout and passive cleanups, as for an unmount, but keeps its state and its
// insertion effects. These tests pin what the span hooks do about it: a hide is not an unmount.

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
  it('run on behind a Suspense fallback and end once, with the outcome given while hidden', async () => {
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
    // a sibling suspends: the boundary hides Checkout behind its fallback
    await act(async () => setLoading(true));
    expect(pay.active).toBe(true);
    expect(capture.names).toEqual(['checkout.payment.start']);
    // the flow settles while its component is hidden
    act(() => pay.end({ outcome: 'paid' }));
    expect(pay.active).toBe(false);
    await act(async () => release());
    expect(pay.active).toBe(false);
    expect(capture.names).toEqual(['checkout.payment.start', 'checkout.payment.stop']);
    const [start, stop] = capture.events;
    expect(stop?.metadata).toMatchObject({ items: 3, outcome: 'paid', spanId: start?.metadata.spanId });
    expect(stop?.metadata.abandoned).toBeUndefined();
    expect(t.stats().openSpans).toBe(0);
  });

  it('record a failure given while an Activity hides them, once', async () => {
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
    const declined = new Error('card declined');
    act(() => pay.fail(declined, { step: 'charge' }));
    act(() => pay.end({ outcome: 'late' }));
    await show();
    expect(capture.names).toEqual(['checkout.payment.start', 'checkout.payment.exception']);
    expect(capture.events[1]?.metadata).toMatchObject({ error: declined, step: 'charge', items: 3 });
    expect(pay.active).toBe(false);
    expect(t.stats().openSpans).toBe(0);
  });

  it('keep one mount span through hides and end it at unmount', async () => {
    const t = createTelemetry();
    const capture = captureEvents(t, 'checkout.page.*');
    const view = mount(
      t,
      <Tabs>
        <Checkout />
      </Tabs>,
    );
    await hide();
    expect(visit.active).toBe(true);
    await show();
    await hide();
    await show();
    expect(capture.names).toEqual(['checkout.page.start']);
    view.unmount();
    await Promise.resolve();
    expect(capture.names).toEqual(['checkout.page.start', 'checkout.page.stop']);
    expect(capture.events[1]?.metadata.spanId).toBe(capture.events[0]?.metadata.spanId);
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

  it('start while hidden, and end as abandoned when unmounted while hidden', async () => {
    const t = createTelemetry();
    const capture = captureEvents(t, 'checkout.**');
    const view = mount(
      t,
      <Tabs>
        <Checkout />
      </Tabs>,
    );
    await hide();
    act(() => pay.start({ via: 'push' }));
    expect(pay.active).toBe(true);
    view.unmount();
    await Promise.resolve();
    expect(capture.names).toEqual([
      'checkout.page.start',
      'checkout.payment.start',
      'checkout.payment.stop',
      'checkout.page.stop',
    ]);
    expect(capture.events[2]?.metadata).toMatchObject({ via: 'push', abandoned: true });
    expect(pay.active).toBe(false);
    act(() => pay.start());
    expect(pay.active).toBe(false);
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
