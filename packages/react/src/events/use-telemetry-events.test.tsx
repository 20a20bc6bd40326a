import { createTelemetry, isIsotelError, type Telemetry } from '@isotel/core';
import { act, cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { StrictMode } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { TelemetryErrorBoundary } from '../error-boundary/telemetry-error-boundary.js';
import { TelemetryProvider } from '../provider.js';
import { type TelemetryEvent, useTelemetryEvents } from './use-telemetry-events.js';

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
});
