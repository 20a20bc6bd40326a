import { createTelemetry, type Telemetry } from '@isotel/core';
import { captureEvents } from '@isotel/core/testing';
import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { CorrelationScope } from '../correlation/correlation-scope.js';
import { TelemetryProvider } from '../provider.js';
import { useEmit } from './use-emit.js';

afterEach(cleanup);

const seen: Telemetry['emit'][] = [];

function AddButton() {
  const emit = useEmit();
  const [clicks, setClicks] = useState(0);
  seen.push(emit);
  return (
    <button
      type="button"
      onClick={() => {
        setClicks(clicks + 1);
        emit('cart.add', { count: 1 }, { clicks });
      }}
    >
      add
    </button>
  );
}

describe('useEmit', () => {
  it('returns one stable function that emits on the provider instance', async () => {
    seen.length = 0;
    const t = createTelemetry();
    const capture = captureEvents(t, 'cart.*');
    render(
      <TelemetryProvider telemetry={t}>
        <AddButton />
      </TelemetryProvider>,
    );
    await userEvent.click(screen.getByRole('button', { name: 'add' }));
    await userEvent.click(screen.getByRole('button', { name: 'add' }));
    expect(seen.length).toBeGreaterThanOrEqual(3);
    expect(new Set(seen).size).toBe(1);
    expect(capture.events.map((e) => e.metadata.clicks)).toEqual([0, 1]);
  });

  it('follows a change of instance', () => {
    seen.length = 0;
    const first = createTelemetry();
    const second = createTelemetry();
    const capture = captureEvents(second, 'cart.*');
    const view = render(
      <TelemetryProvider telemetry={first}>
        <AddButton />
      </TelemetryProvider>,
    );
    view.rerender(
      <TelemetryProvider telemetry={second}>
        <AddButton />
      </TelemetryProvider>,
    );
    expect(new Set(seen).size).toBe(2);
    seen.at(-1)?.('cart.add', { count: 1 });
    expect(capture.names).toEqual(['cart.add']);
  });

  it('counts an invalid name emitted inside a scope as a plain emit does', () => {
    seen.length = 0;
    const t = createTelemetry();
    captureEvents(t, '**');
    render(
      <TelemetryProvider telemetry={t}>
        <CorrelationScope id="c-1">
          <AddButton />
        </CorrelationScope>
      </TelemetryProvider>,
    );
    seen.at(-1)?.('cart..add', { count: 1 });
    expect(t.stats().dropped.invalid_name).toBe(1);
  });
});
