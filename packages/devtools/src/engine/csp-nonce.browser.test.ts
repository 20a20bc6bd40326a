import { createTelemetry } from '@isotel/core';
import { describe, expect, it } from 'vitest';
import { mountDevtools } from '../production.js';

// A page with a strict style policy: only <style nonce="..."> elements apply. The panel must
// style itself through its nonce and never through style attributes.

const NONCE = 'isotel-test-nonce';

function strictStylePolicy(): string[] {
  const meta = document.createElement('meta');
  meta.httpEquiv = 'Content-Security-Policy';
  meta.content = `style-src 'nonce-${NONCE}'`;
  document.head.appendChild(meta);
  const violations: string[] = [];
  document.addEventListener('securitypolicyviolation', (e) => violations.push(`${e.violatedDirective} ${e.sample}`));
  return violations;
}

describe('under a strict style-src policy', () => {
  it('applies its styles with the nonce and causes no violation while open and streaming', async () => {
    const violations = strictStylePolicy();
    const t = createTelemetry();
    const el = document.createElement('div');
    document.body.appendChild(el);
    const devtools = mountDevtools(el, { telemetry: t, nonce: NONCE, initialIsOpen: true, storageKey: 'csp-test' });
    for (let i = 0; i < 50; i++) t.emit('csp.tick', { i });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const root = el.querySelector('[data-isotel-devtools]')?.shadowRoot;
    const panel = root?.querySelector('.panel') as HTMLElement;
    expect(getComputedStyle(panel).position).toBe('fixed');
    expect(root?.querySelectorAll('[role="option"]').length).toBeGreaterThan(0);
    devtools.unmount();
    expect(violations).toEqual([]);
  });

  it('is blocked without the nonce (so the check above can fail)', async () => {
    const violations = strictStylePolicy();
    const el = document.createElement('div');
    document.body.appendChild(el);
    const devtools = mountDevtools(el, { telemetry: createTelemetry(), initialIsOpen: true, storageKey: 'csp-test-2' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const panel = el.querySelector('[data-isotel-devtools]')?.shadowRoot?.querySelector('.panel') as HTMLElement;
    expect(getComputedStyle(panel).position).not.toBe('fixed');
    devtools.unmount();
    expect(violations.length).toBeGreaterThan(0);
  });
});
