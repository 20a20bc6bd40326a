import { createTelemetry } from '@isotel/core';
import { captureEvents } from '@isotel/core/testing';
import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { StrictMode, useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { TelemetryProvider } from '../provider.js';
import { TelemetryProfiler } from './telemetry-profiler.js';

afterEach(cleanup);

function Counter() {
  const [count, setCount] = useState(0);
  return (
    <button type="button" onClick={() => setCount(count + 1)}>
      clicked {count}
    </button>
  );
}

describe('TelemetryProfiler', () => {
  it('emits react.render per commit with durations, phase and id', async () => {
    const t = createTelemetry();
    const capture = captureEvents(t, 'react.render');
    render(
      <TelemetryProvider telemetry={t}>
        <TelemetryProfiler id="counter">
          <Counter />
        </TelemetryProfiler>
      </TelemetryProvider>,
    );
    await userEvent.click(screen.getByRole('button', { name: 'clicked 0' }));
    expect(screen.getByRole('button', { name: 'clicked 1' })).toBeTruthy();
    const phases = capture.events.map((e) => e.metadata.phase);
    expect(phases).toEqual(['mount', 'update']);
    for (const event of capture.events) {
      expect(event.metadata.id).toBe('counter');
      expect(Object.keys(event.measurements).sort()).toEqual([
        'actualDuration',
        'baseDuration',
        'commitTime',
        'startTime',
      ]);
      expect(event.measurements.actualDuration).toBeGreaterThanOrEqual(0);
      expect(event.measurements.baseDuration).toBeGreaterThanOrEqual(0);
    }
  });

  it('uses a custom event name', () => {
    const t = createTelemetry();
    const capture = captureEvents(t, 'ui.**');
    render(
      <TelemetryProfiler id="list" event="ui.list.render" telemetry={t}>
        <p>rows</p>
      </TelemetryProfiler>,
    );
    expect(capture.names).toEqual(['ui.list.render']);
  });

  it('emits once per commit under StrictMode, not per double render', async () => {
    const t = createTelemetry();
    const capture = captureEvents(t, 'react.render');
    render(
      <StrictMode>
        <TelemetryProfiler id="counter" telemetry={t}>
          <Counter />
        </TelemetryProfiler>
      </StrictMode>,
    );
    await userEvent.click(screen.getByRole('button', { name: 'clicked 0' }));
    expect(capture.events.map((e) => e.metadata.phase)).toEqual(['mount', 'update']);
  });
});
