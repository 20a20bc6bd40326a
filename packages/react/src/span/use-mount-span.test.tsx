import { createTelemetry, type Telemetry } from '@isotel/core';
import { captureEvents } from '@isotel/core/testing';
import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { StrictMode, useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { TelemetryProvider } from '../provider.js';
import { useMountSpan } from './use-mount-span.js';

afterEach(cleanup);

function Page({ name, step }: { name: string; step: string }) {
  const visit = useMountSpan(name, { step });
  return (
    <section>
      <output aria-label="visit">{visit.active ? 'open' : 'closed'}</output>
      <button type="button" onClick={() => visit.end({ outcome: 'paid' })}>
        pay
      </button>
    </section>
  );
}

function App({ initial = 'checkout.page' }: { initial?: string }) {
  const [shown, setShown] = useState(true);
  const [name, setName] = useState(initial);
  const [step, setStep] = useState('cart');
  return (
    <>
      <button type="button" onClick={() => setShown(false)}>
        leave
      </button>
      <button type="button" onClick={() => setStep('address')}>
        next step
      </button>
      <button type="button" onClick={() => setName('checkout.review')}>
        rename
      </button>
      {shown && <Page name={name} step={step} />}
    </>
  );
}

function mount(t: Telemetry, strict = false) {
  const tree = (
    <TelemetryProvider telemetry={t}>
      <App />
    </TelemetryProvider>
  );
  return render(strict ? <StrictMode>{tree}</StrictMode> : tree);
}

const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

describe('useMountSpan', () => {
  it('spans from mount to unmount', async () => {
    const t = createTelemetry();
    const capture = captureEvents(t, 'checkout.**');
    mount(t);
    expect(capture.names).toEqual(['checkout.page.start']);
    expect(screen.getByLabelText('visit').textContent).toBe('open');
    await userEvent.click(screen.getByRole('button', { name: 'next step' }));
    await userEvent.click(screen.getByRole('button', { name: 'leave' }));
    await tick();
    expect(capture.names).toEqual(['checkout.page.start', 'checkout.page.stop']);
    // the metadata of the first commit; a re-render does not restart the span
    expect(capture.events[1]?.metadata.step).toBe('cart');
    expect(capture.events[1]?.measurements.duration).toBeGreaterThanOrEqual(0);
  });

  it('ends at an explicit end and not again at unmount', async () => {
    const t = createTelemetry();
    const capture = captureEvents(t, 'checkout.**');
    mount(t);
    await userEvent.click(screen.getByRole('button', { name: 'pay' }));
    expect(screen.getByLabelText('visit').textContent).toBe('closed');
    await userEvent.click(screen.getByRole('button', { name: 'leave' }));
    await tick();
    expect(capture.names).toEqual(['checkout.page.start', 'checkout.page.stop']);
    expect(capture.events[1]?.metadata.outcome).toBe('paid');
  });

  it('keeps one span through StrictMode remounting', async () => {
    const t = createTelemetry();
    const capture = captureEvents(t, 'checkout.**');
    mount(t, true);
    await tick();
    expect(capture.names).toEqual(['checkout.page.start']);
    expect(t.stats().openSpans).toBe(1);
    await userEvent.click(screen.getByRole('button', { name: 'leave' }));
    await tick();
    expect(capture.names).toEqual(['checkout.page.start', 'checkout.page.stop']);
    expect(t.stats().openSpans).toBe(0);
  });

  it('ends the span and starts another when the prefix changes', async () => {
    const t = createTelemetry();
    const capture = captureEvents(t, 'checkout.**');
    mount(t);
    await userEvent.click(screen.getByRole('button', { name: 'rename' }));
    expect(capture.names).toEqual(['checkout.page.start', 'checkout.page.stop', 'checkout.review.start']);
    await userEvent.click(screen.getByRole('button', { name: 'leave' }));
    await tick();
    expect(capture.names.at(-1)).toBe('checkout.review.stop');
    expect(t.stats().openSpans).toBe(0);
  });

  it('emits nothing when nobody listens, and opens no span', () => {
    const t = createTelemetry();
    mount(t);
    expect(t.stats().openSpans).toBe(0);
  });
});
