/**
 * @vitest-environment-options { "settings": { "fetch": { "disableSameOriginPolicy": true } } }
 */
import { createTelemetry } from '@isotel/core';
import { createBrowserExporter } from '@isotel/core/browser';
import { createCollector } from '@isotel/core/node';
import { within } from '@testing-library/dom';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { mountDevtools } from '../production.js';

// The Exporters tab with core's real browser exporter (memory storage) shipping to a real
// collector in this process.

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  localStorage.clear();
});

describe('the Exporters tab', { timeout: 20_000 }, () => {
  it("shows the exporter's queue and breaker, and ships the queue on Flush now", async () => {
    const collector = createCollector({ telemetry: createTelemetry() });
    const server = await collector.listen(0, '127.0.0.1');
    cleanups.push(() => collector.close());
    const t = createTelemetry();
    const exporter = createBrowserExporter(t, {
      url: server.url,
      storage: 'memory',
      lifecycle: false,
      flushIntervalMs: 3_600_000,
    });
    cleanups.push(() => exporter.shutdown());
    await exporter.ready;
    for (let i = 0; i < 3; i++) t.emit('orders.created', { count: 1 }, { orderId: `o-${i}` });

    const el = document.createElement('div');
    document.body.appendChild(el);
    const devtools = mountDevtools(el, {
      telemetry: t,
      initialIsOpen: true,
      exporters: [{ name: 'collector', stats: () => exporter.stats(), flush: () => exporter.flush() }],
    });
    cleanups.push(() => {
      devtools.unmount();
      el.remove();
    });
    const ui = within(el.querySelector('[data-isotel-devtools]')?.shadowRoot?.querySelector('.root') as HTMLElement);
    await userEvent.click(ui.getByRole('tab', { name: 'Exporters' }));
    const section = ui.getByRole('region', { name: 'collector' });
    const stats = within(section).getByRole('table', { name: 'collector stats' });
    expect(within(stats).getByRole('row', { name: /circuit breaker/ }).textContent).toContain('closed');
    expect(within(stats).getByRole('row', { name: /^dropped/ }).textContent).toMatch(/^dropped\s*none$/);
    await within(section).findByRole('row', { name: /queued \(IndexedDB backlog included\)\s*3/ }, { timeout: 3000 });
    await userEvent.click(within(section).getByRole('button', { name: 'Flush now' }));
    await within(section).findByText(/Flushed at/, undefined, { timeout: 5000 });
    expect(exporter.stats().sent).toBe(3);
    await within(section).findByRole('row', { name: /^sent\s*3$/ }, { timeout: 3000 });
    expect(collector.stats().accepted).toBe(3);
  });

  it('writes counts per reason as a list', async () => {
    const el = document.createElement('div');
    document.body.appendChild(el);
    const devtools = mountDevtools(el, {
      telemetry: createTelemetry(),
      initialIsOpen: true,
      exporters: [{ name: 'queue', stats: () => ({ queued: 1, dropped: { max_events: 3, quota: 2 } }) }],
    });
    cleanups.push(() => {
      devtools.unmount();
      el.remove();
    });
    const ui = within(el.querySelector('[data-isotel-devtools]')?.shadowRoot?.querySelector('.root') as HTMLElement);
    await userEvent.click(ui.getByRole('tab', { name: 'Exporters' }));
    const row = await ui.findByRole('row', { name: /^dropped/ });
    expect(row.textContent).toMatch(/^dropped\s*max_events 3, quota 2$/);
  });
});
