import { createTelemetry } from '@isotel/core';
import { describe, expect, it } from 'vitest';
import { mountDevtools } from './index.js';

describe('mountDevtools', () => {
  it('lists emitted events in a shadow root and stops on unmount', () => {
    const t = createTelemetry();
    const host = document.createElement('div');
    document.body.appendChild(host);
    const dt = mountDevtools(host, { telemetry: t });
    t.emit('checkout.start', { monotonicTime: 1 });
    const items = host.shadowRoot?.querySelectorAll('li') ?? [];
    expect([...items].map((li) => li.textContent)).toEqual(['checkout.start']);
    dt.unmount();
    expect(t.listHandlers()).toEqual([]);
  });
});
