import { createTelemetry, type Telemetry } from '@isotel/core';
import { captureEvents } from '@isotel/core/testing';
import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { useEmit } from '../emit/use-emit.js';
import { TelemetryProvider, useTelemetry } from '../provider.js';
import { useMountSpan } from '../span/use-mount-span.js';
import { useTelemetrySpan } from '../span/use-telemetry-span.js';
import { CorrelationScope, useCorrelationId, useCorrelationScope } from './correlation-scope.js';

afterEach(cleanup);

function Checkout({ label }: { label: string }) {
  const emit = useEmit();
  const t = useTelemetry();
  const correlationId = useCorrelationId();
  const { bind } = useCorrelationScope();
  const pay = useTelemetrySpan('checkout.pay');
  useMountSpan('checkout.view');
  return (
    <section aria-label={label}>
      <output aria-label={`${label} id`}>{correlationId ?? 'none'}</output>
      <button type="button" onClick={() => emit('checkout.click', { count: 1 })}>
        {`${label} click`}
      </button>
      <button type="button" onClick={() => pay.run(() => undefined)}>
        {`${label} pay`}
      </button>
      <button type="button" onClick={bind(() => t.emit('checkout.plain', { count: 1 }))}>
        {`${label} plain`}
      </button>
    </section>
  );
}

function mount(t: Telemetry, ui: React.ReactNode) {
  return render(<TelemetryProvider telemetry={t}>{ui}</TelemetryProvider>);
}

const idOf = (label: string) => screen.getByLabelText(`${label} id`).textContent;

describe('CorrelationScope', () => {
  it('runs the events its subtree emits through the hooks under its id', async () => {
    const t = createTelemetry();
    const capture = captureEvents(t, 'checkout.**');
    mount(
      t,
      <CorrelationScope id="order-1">
        <Checkout label="inside" />
      </CorrelationScope>,
    );
    await userEvent.click(screen.getByRole('button', { name: 'inside click' }));
    await userEvent.click(screen.getByRole('button', { name: 'inside pay' }));
    await userEvent.click(screen.getByRole('button', { name: 'inside plain' }));
    expect(capture.names).toEqual([
      'checkout.view.start',
      'checkout.click',
      'checkout.pay.start',
      'checkout.pay.stop',
      'checkout.plain',
    ]);
    for (const event of capture.events) expect(event.metadata.correlationId).toBe('order-1');
    expect(idOf('inside')).toBe('order-1');
  });

  it('leaves events outside any scope without a correlation id', async () => {
    const t = createTelemetry();
    const capture = captureEvents(t, 'checkout.click');
    mount(t, <Checkout label="outside" />);
    await userEvent.click(screen.getByRole('button', { name: 'outside click' }));
    expect(capture.events[0]?.metadata.correlationId).toBeUndefined();
    expect(idOf('outside')).toBe('none');
  });

  it('makes one id per mounted scope when none is given, stable across renders', async () => {
    const t = createTelemetry();
    function Twice() {
      const [n, setN] = useState(0);
      return (
        <>
          <button type="button" onClick={() => setN(n + 1)}>
            rerender
          </button>
          <CorrelationScope>
            <Checkout label="a" />
          </CorrelationScope>
          <CorrelationScope>
            <Checkout label="b" />
          </CorrelationScope>
        </>
      );
    }
    mount(t, <Twice />);
    const a = idOf('a');
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(idOf('b')).not.toBe(a);
    await userEvent.click(screen.getByRole('button', { name: 'rerender' }));
    expect(idOf('a')).toBe(a);
  });

  it('lets the innermost scope win', async () => {
    const t = createTelemetry();
    const capture = captureEvents(t, 'checkout.click');
    mount(
      t,
      <CorrelationScope id="session">
        <Checkout label="outer" />
        <CorrelationScope id="order-2">
          <Checkout label="inner" />
        </CorrelationScope>
      </CorrelationScope>,
    );
    await userEvent.click(screen.getByRole('button', { name: 'outer click' }));
    await userEvent.click(screen.getByRole('button', { name: 'inner click' }));
    expect(capture.events.map((e) => e.metadata.correlationId)).toEqual(['session', 'order-2']);
  });
});
