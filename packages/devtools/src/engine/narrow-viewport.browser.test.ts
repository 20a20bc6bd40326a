import { createTelemetry } from '@isotel/core';
import { afterEach, describe, expect, it } from 'vitest';
import { page } from 'vitest/browser';
import { mountDevtools } from '../production.js';

// Real layout in Chromium at a phone's width: the header must keep its close button on screen.

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
  localStorage.clear();
});

describe('the panel on a narrow screen', () => {
  it('scrolls its tabs sideways and keeps the close button in view', async () => {
    await page.viewport(390, 700);
    const el = document.createElement('div');
    document.body.appendChild(el);
    const handle = mountDevtools(el, { telemetry: createTelemetry(), initialIsOpen: true });
    cleanups.push(() => {
      handle.unmount();
      el.remove();
    });
    const root = el.querySelector('[data-isotel-devtools]')?.shadowRoot as ShadowRoot;
    await new Promise((resolve) => requestAnimationFrame(resolve));
    const close = root.querySelector('.header button[aria-label="Close isotel devtools"]') as HTMLElement;
    const tablist = root.querySelector('[role="tablist"]') as HTMLElement;
    expect(close).not.toBeNull();
    expect(close.getBoundingClientRect().right).toBeLessThanOrEqual(window.innerWidth);
    expect(tablist.scrollWidth).toBeGreaterThan(tablist.clientWidth);
    // the last tab can be reached: focusing it scrolls it into the tab bar
    const tabs = root.querySelectorAll<HTMLElement>('[role="tab"]');
    const last = tabs[tabs.length - 1] as HTMLElement;
    last.focus();
    const bar = tablist.getBoundingClientRect();
    expect(last.getBoundingClientRect().right).toBeLessThanOrEqual(bar.right + 1);
  });
});
