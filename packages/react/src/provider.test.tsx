import { createTelemetry, getDefaultTelemetry } from '@isotel/core';
import { captureEvents } from '@isotel/core/testing';
import { render, screen } from '@testing-library/react';
import { useEffect } from 'react';
import { describe, expect, it } from 'vitest';
import { TelemetryProvider, useTelemetry } from './index.js';

function Emitter() {
  const t = useTelemetry();
  useEffect(() => t.emit('ui.mounted', { count: 1 }, { component: 'Emitter' }), [t]);
  return <p>mounted</p>;
}

describe('TelemetryProvider', () => {
  it('gives hooks below it the instance it was handed', async () => {
    const t = createTelemetry();
    const capture = captureEvents(t, 'ui.*');
    render(
      <TelemetryProvider telemetry={t}>
        <Emitter />
      </TelemetryProvider>,
    );
    expect(screen.getByText('mounted')).toBeTruthy();
    const event = await capture.waitFor((e) => e.name === 'ui.mounted');
    expect(event.metadata).toEqual({ component: 'Emitter' });
  });

  it('falls back to the default instance without a provider', () => {
    let seen: unknown;
    function Probe() {
      seen = useTelemetry();
      return null;
    }
    render(<Probe />);
    expect(seen).toBe(getDefaultTelemetry());
  });
});
