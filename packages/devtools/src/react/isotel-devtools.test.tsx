import { createTelemetry } from '@isotel/core';
import { TelemetryProvider } from '@isotel/react';
import { within } from '@testing-library/dom';
import { act, render, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Profiler, useState } from 'react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IsotelDevtools } from '../production.js';

function shadow(container: HTMLElement) {
  const root = container.querySelector('[data-isotel-devtools]')?.shadowRoot?.querySelector<HTMLElement>('.root');
  if (!root) throw new Error('no devtools shadow root');
  return within(root);
}

const frame = () => act(() => new Promise<void>((resolve) => requestAnimationFrame(() => resolve())));

beforeEach(() => localStorage.clear());
afterEach(() => localStorage.clear());

describe('IsotelDevtools', () => {
  it('opens by its button and lists an event emitted on the provider bus', async () => {
    const t = createTelemetry();
    const { container } = render(
      <TelemetryProvider telemetry={t}>
        <IsotelDevtools />
      </TelemetryProvider>,
    );
    const ui = shadow(container);
    await userEvent.click(ui.getByRole('button', { name: 'Open isotel devtools' }));
    expect(ui.getByRole('region', { name: 'isotel devtools' })).toBeTruthy();
    act(() => t.emit('checkout.payment.stop', { duration: 12 }, { orderId: 'o-1' }));
    // a busy stream redraws at most every STREAM_RENDER_INTERVAL_MS
    await waitFor(() =>
      expect(ui.getByRole('listbox', { name: 'Events' }).textContent).toContain('checkout.payment.stop'),
    );
  });

  it('does not re-render the host app while events flow', async () => {
    const t = createTelemetry();
    let commits = 0;
    function Host() {
      const [label] = useState('host');
      return (
        <Profiler id="host" onRender={() => commits++}>
          <p>{label}</p>
          <IsotelDevtools telemetry={t} initialIsOpen />
        </Profiler>
      );
    }
    render(<Host />);
    const before = commits;
    act(() => {
      for (let i = 0; i < 100; i++) t.emit('load.tick', { i });
    });
    await frame();
    expect(commits).toBe(before);
  });

  it('records from mount, so opening shows what came before', async () => {
    const t = createTelemetry();
    const { container } = render(<IsotelDevtools telemetry={t} />);
    expect(t.listHandlers().map((h) => h.patterns)).toEqual([['**']]);
    act(() => t.emit('before.open', { n: 1 }));
    await userEvent.click(shadow(container).getByRole('button', { name: 'Open isotel devtools' }));
    await waitFor(() =>
      expect(shadow(container).getByRole('listbox', { name: 'Events' }).textContent).toContain('before.open'),
    );
  });

  it('with recordWhileClosed false, holds no subscription while closed and one while open', async () => {
    const t = createTelemetry();
    const { container } = render(<IsotelDevtools telemetry={t} recordWhileClosed={false} />);
    expect(t.listHandlers()).toEqual([]);
    await userEvent.click(shadow(container).getByRole('button', { name: 'Open isotel devtools' }));
    expect(t.listHandlers().map((h) => h.patterns)).toEqual([['**']]);
    await userEvent.keyboard('{Escape}');
    expect(t.listHandlers()).toEqual([]);
  });

  it('counts error events on the toggle, as its description', async () => {
    const t = createTelemetry();
    const { container } = render(<IsotelDevtools telemetry={t} />);
    act(() => {
      t.emit('checkout.payment.exception', { duration: 3 }, { kind: 'error' });
      t.emit('react.error', { count: 1 });
      t.emit('checkout.payment.stop', { duration: 3 });
    });
    const toggle = shadow(container).getByRole('button', { name: 'Open isotel devtools' });
    await waitFor(() => expect(shadow(container).getByText('2 errors')).toBeTruthy());
    const described = toggle.getAttribute('aria-describedby') ?? '';
    expect((toggle.getRootNode() as ShadowRoot).getElementById(described)?.textContent).toContain('2 errors');
  });

  it('follows a new telemetry prop through the engine without remounting the panel', async () => {
    const first = createTelemetry();
    const second = createTelemetry();
    const { container, rerender } = render(<IsotelDevtools telemetry={first} initialIsOpen />);
    const host = container.querySelector('[data-isotel-devtools]');
    expect(first.listHandlers()).toHaveLength(1);
    rerender(<IsotelDevtools telemetry={second} initialIsOpen />);
    expect(container.querySelector('[data-isotel-devtools]')).toBe(host);
    expect(first.listHandlers()).toEqual([]);
    expect(second.listHandlers()).toHaveLength(1);
    act(() => second.emit('second.bus.event'));
    await waitFor(() =>
      expect(shadow(container).getByRole('listbox', { name: 'Events' }).textContent).toContain('second.bus.event'),
    );
  });
});
