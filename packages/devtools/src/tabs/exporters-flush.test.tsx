import { createTelemetry } from '@isotel/core';
import { within } from '@testing-library/dom';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { mountDevtools } from '../production.js';
import type { DevtoolsExporter } from './exporters-tab.js';

// "Flush now" reports what the flush did, read from the exporter's stats before and after.

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
  localStorage.clear();
});

async function flushWith(exporter: DevtoolsExporter): Promise<string> {
  const el = document.createElement('div');
  document.body.appendChild(el);
  const devtools = mountDevtools(el, { telemetry: createTelemetry(), initialIsOpen: true, exporters: [exporter] });
  cleanups.push(() => {
    devtools.unmount();
    el.remove();
  });
  const ui = within(el.querySelector('[data-isotel-devtools]')?.shadowRoot?.querySelector('.root') as HTMLElement);
  await userEvent.click(ui.getByRole('tab', { name: 'Exporters' }));
  const section = ui.getByRole('region', { name: 'queue' });
  await userEvent.click(within(section).getByRole('button', { name: 'Flush now' }));
  const status = within(section).getByRole('status');
  await new Promise((resolve) => setTimeout(resolve, 20));
  return status.textContent?.trim() ?? '';
}

describe('Flush now', () => {
  it('reports how many events were sent', async () => {
    const stats = { queued: 3, sent: 0, breaker: 'closed' };
    const message = await flushWith({
      name: 'queue',
      stats: () => ({ ...stats }),
      flush: async () => {
        stats.queued = 0;
        stats.sent = 3;
      },
    });
    expect(message).toMatch(/^Flushed at .+: 3 sent$/);
  });

  it('says so when nothing was queued', async () => {
    const message = await flushWith({
      name: 'queue',
      stats: () => ({ queued: 0, sent: 5, breaker: 'closed' }),
      flush: async () => {},
    });
    expect(message).toMatch(/nothing was queued/);
  });

  it('does not report success when the queue stayed and nothing was sent', async () => {
    const message = await flushWith({
      name: 'queue',
      stats: () => ({ queued: 4, sent: 0, breaker: 'open', lastError: 'collector answered 503' }),
      flush: async () => {},
    });
    expect(message).not.toMatch(/^Flushed/);
    expect(message).toMatch(/nothing sent/i);
    expect(message).toContain('4 still queued');
    expect(message).toContain('collector answered 503');
  });
});
