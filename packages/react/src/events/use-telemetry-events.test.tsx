import { createTelemetry, isIsotelError, type Telemetry } from '@isotel/core';
import { act, cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { StrictMode, useEffect, useLayoutEffect, useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { useEmit } from '../emit/use-emit.js';
import { TelemetryErrorBoundary } from '../error-boundary/telemetry-error-boundary.js';
import { TelemetryProvider } from '../provider.js';
import { useMountSpan } from '../span/use-mount-span.js';
import { type EventListFlush, type TelemetryEvent, useTelemetryEvents } from './use-telemetry-events.js';

const snapshots: (readonly TelemetryEvent[])[] = [];

function EventLog({ limit }: { limit?: number }) {
  const { events, clear } = useTelemetryEvents('checkout.**', limit === undefined ? {} : { limit });
  snapshots.push(events);
  return (
    <section>
      <ul aria-label="events">
        {events.map((e) => (
          <li key={e.key}>{`${e.name} ${e.measurements.n}`}</li>
        ))}
      </ul>
      <button type="button" onClick={clear}>
        clear
      </button>
    </section>
  );
}

function mount(t: Telemetry, limit?: number, strict = false) {
  snapshots.length = 0;
  const tree = (
    <TelemetryProvider telemetry={t}>
      <EventLog {...(limit === undefined ? {} : { limit })} />
    </TelemetryProvider>
  );
  return render(strict ? <StrictMode>{tree}</StrictMode> : tree);
}

const nextFrame = () => new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));

// Emits, then lets the list's frame pass inside act so React renders what it published.
const burst = async (t: Telemetry, count: number) => {
  await act(async () => {
    for (let n = 0; n < count; n++) t.emit('checkout.step', { n });
    await nextFrame();
  });
};

afterEach(cleanup);

describe('useTelemetryEvents', () => {
  it('lists matching events, newest last, and ignores others', async () => {
    const t = createTelemetry();
    mount(t);
    await act(async () => {
      t.emit('checkout.start', { n: 1 });
      t.emit('search.query', { n: 2 });
      t.emit('checkout.payment.stop', { n: 3 });
      await nextFrame();
    });
    const items = screen.getAllByRole('listitem').map((li) => li.textContent);
    expect(items).toEqual(['checkout.start 1', 'checkout.payment.stop 3']);
  });

  it('keeps only the newest `limit` events', async () => {
    const t = createTelemetry();
    mount(t, 5);
    await burst(t, 3);
    await burst(t, 20);
    const items = screen.getAllByRole('listitem').map((li) => li.textContent);
    expect(items).toEqual([
      'checkout.step 15',
      'checkout.step 16',
      'checkout.step 17',
      'checkout.step 18',
      'checkout.step 19',
    ]);
  });

  it('returns the same array between changes', async () => {
    const t = createTelemetry();
    const view = mount(t);
    await burst(t, 2);
    view.rerender(
      <TelemetryProvider telemetry={t}>
        <EventLog />
      </TelemetryProvider>,
    );
    const last = snapshots.at(-1);
    expect(snapshots.at(-2)).toBe(last);
    expect(Object.isFrozen(last)).toBe(true);
  });

  it('clears the list on demand', async () => {
    const t = createTelemetry();
    mount(t);
    await burst(t, 3);
    await userEvent.click(screen.getByRole('button', { name: 'clear' }));
    expect(screen.queryAllByRole('listitem')).toHaveLength(0);
  });

  it('attaches one handler under StrictMode and detaches it on unmount', async () => {
    const t = createTelemetry();
    const view = mount(t, undefined, true);
    expect(t.listHandlers()).toHaveLength(1);
    await burst(t, 4);
    expect(screen.getAllByRole('listitem')).toHaveLength(4);
    view.unmount();
    expect(t.listHandlers()).toHaveLength(0);
  });

  it('rejects a limit that is not a positive integer', () => {
    const t = createTelemetry();
    function Bad() {
      useTelemetryEvents('a.**', { limit: 0, telemetry: t });
      return null;
    }
    render(
      <TelemetryErrorBoundary
        fallback={({ error }) => <p role="alert">{isIsotelError(error) ? error.code : 'other'}</p>}
      >
        <Bad />
      </TelemetryErrorBoundary>,
    );
    expect(screen.getByRole('alert').textContent).toBe('invalid_argument');
  });

  it('lists what siblings and children emit in the commit that mounts it', async () => {
    const t = createTelemetry();
    function Cart() {
      useMountSpan('cart.view');
      const emit = useEmit();
      useEffect(() => emit('cart.loaded'), [emit]);
      return null;
    }
    function Child() {
      const emit = useEmit();
      useLayoutEffect(() => emit('cart.child.layout'), [emit]);
      useEffect(() => emit('cart.child.passive'), [emit]);
      return null;
    }
    function Log() {
      const { events } = useTelemetryEvents('cart.**', { flush: 'microtask' });
      return (
        <>
          <ul aria-label="events">
            {events.map((e) => (
              <li key={e.key}>{e.name}</li>
            ))}
          </ul>
          <Child />
        </>
      );
    }
    // as in the guide's complete example: the log sits after a component with a mount span
    render(
      <TelemetryProvider telemetry={t}>
        <Cart />
        <Log />
      </TelemetryProvider>,
    );
    await act(async () => {
      await nextFrame();
    });
    const items = screen.getAllByRole('listitem').map((li) => li.textContent);
    expect(items).toEqual(['cart.view.start', 'cart.child.layout', 'cart.loaded', 'cart.child.passive']);
  });

  it('leaves one handler while mounted and none after StrictMode mount and unmount cycles', async () => {
    const t = createTelemetry();
    function Log() {
      useTelemetryEvents(['a.*', 'b.*'], { limit: 5 });
      return null;
    }
    let setShown: (shown: boolean) => void = () => {};
    function Toggle() {
      const [shown, set] = useState(true);
      setShown = set;
      return shown ? <Log /> : null;
    }
    render(
      <StrictMode>
        <TelemetryProvider telemetry={t}>
          <Toggle />
        </TelemetryProvider>
      </StrictMode>,
    );
    for (let i = 0; i < 5; i++) {
      expect(t.listHandlers()).toHaveLength(1);
      act(() => setShown(false));
      expect(t.listHandlers()).toHaveLength(0);
      act(() => setShown(true));
    }
    expect(t.listHandlers()).toHaveLength(1);
    cleanup();
    expect(t.listHandlers()).toHaveLength(0);
  });

  it('keeps the list, trimmed to a lower limit, when limit or flush changes', async () => {
    const t = createTelemetry();
    let setLimit: (limit: number) => void = () => {};
    let setFlush: (flush: EventListFlush) => void = () => {};
    function Log() {
      const [limit, setL] = useState(10);
      const [flush, setF] = useState<EventListFlush>('microtask');
      setLimit = setL;
      setFlush = setF;
      const { events } = useTelemetryEvents('w.*', { limit, flush });
      return (
        <ul aria-label="events">
          {events.map((e) => (
            <li key={e.key}>{e.measurements.n}</li>
          ))}
        </ul>
      );
    }
    render(
      <TelemetryProvider telemetry={t}>
        <Log />
      </TelemetryProvider>,
    );
    let n = 0;
    const items = () => screen.queryAllByRole('listitem').map((li) => Number(li.textContent));
    await act(async () => {
      for (let i = 0; i < 5; i++) t.emit('w.a', { n: n++ });
    });
    expect(items()).toEqual([0, 1, 2, 3, 4]);
    // an event emitted in the same task as the change is not lost either
    await act(async () => {
      t.emit('w.a', { n: n++ });
      setLimit(20);
    });
    expect(items()).toEqual([0, 1, 2, 3, 4, 5]);
    await act(async () => setLimit(3));
    expect(items()).toEqual([3, 4, 5]);
    await act(async () => setFlush('frame'));
    expect(items()).toEqual([3, 4, 5]);
    await act(async () => {
      t.emit('w.a', { n: n++ });
      await nextFrame();
    });
    expect(items()).toEqual([4, 5, 6]);
    expect(t.listHandlers()).toHaveLength(1);
  });
});
