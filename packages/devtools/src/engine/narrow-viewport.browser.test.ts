import { createTelemetry } from '@isotel/core';
import { afterEach, describe, expect, it } from 'vitest';
import { page } from 'vitest/browser';
import { mountDevtools } from '../production.js';

// Real layout in Chromium at a phone's width: the header must keep its close button on screen.

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
  localStorage.clear();
  await page.viewport(414, 896);
});

function mount(t = createTelemetry()) {
  const el = document.createElement('div');
  document.body.appendChild(el);
  const handle = mountDevtools(el, { telemetry: t, initialIsOpen: true });
  cleanups.push(() => {
    handle.unmount();
    el.remove();
  });
  return el.querySelector('[data-isotel-devtools]')?.shadowRoot as ShadowRoot;
}

function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(() => requestAnimationFrame(() => resolve()), 150));
}

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

  it('shows that the tab bar scrolls: a scrollbar, and a fade on the side with more tabs', async () => {
    await page.viewport(360, 640);
    const root = mount();
    await settle();
    const tablist = root.querySelector('[role="tablist"]') as HTMLElement;
    expect(tablist.scrollWidth).toBeGreaterThan(tablist.clientWidth);
    expect(getComputedStyle(tablist).scrollbarWidth).not.toBe('none');
    // overlay scrollbars (macOS, headless) stay hidden until one scrolls: the fade is the cue
    expect(tablist.getAttribute('data-more')).toBe('end');
    expect(getComputedStyle(tablist).maskImage).toContain('linear-gradient');
    tablist.scrollLeft = tablist.scrollWidth;
    await settle();
    expect(tablist.getAttribute('data-more')).toBe('start');
    await page.viewport(1280, 640);
    await settle();
    expect(tablist.hasAttribute('data-more')).toBe(false);
    expect(getComputedStyle(tablist).maskImage).toBe('none');
  });

  it('stacks the event detail under the list instead of squeezing the list', async () => {
    await page.viewport(360, 640);
    const t = createTelemetry();
    const root = mount(t);
    for (let i = 0; i < 30; i++) t.emit('checkout.payment.stop', { duration: 12.3456, count: i }, { order: `o-${i}` });
    await settle();
    (root.querySelector('[role="option"]') as HTMLElement).click();
    await settle();
    const list = (root.querySelector('[role="listbox"]') as HTMLElement).getBoundingClientRect();
    const detail = (root.querySelector('section.detail') as HTMLElement).getBoundingClientRect();
    expect(list.width).toBeGreaterThan(300);
    expect(detail.width).toBeGreaterThan(300);
    expect(detail.top).toBeGreaterThanOrEqual(list.bottom - 1);
    expect(list.height).toBeGreaterThan(40);
    expect(detail.height).toBeGreaterThan(40);
  });
});
