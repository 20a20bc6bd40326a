import { afterEach, describe, expect, it } from 'vitest';
import { page } from 'vitest/browser';
import { mountPanel } from './panel.test-kit.js';
import { STATE_VERSION } from './persisted-state.js';

// Real layout in Chromium: the panel's header and close button must stay on screen whatever
// size was stored, and when the window gets shorter.

const KEY = 'isotel.devtools.size-test';
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
  localStorage.clear();
  await page.viewport(1280, 800);
});

function frames(n = 2): Promise<void> {
  return new Promise((resolve) => {
    const step = (left: number) => (left === 0 ? resolve() : requestAnimationFrame(() => step(left - 1)));
    step(n);
  });
}

function mount() {
  const { handle, root } = mountPanel({ initialIsOpen: true, storageKey: KEY });
  return {
    handle,
    panel: root.querySelector('.panel') as HTMLElement,
    close: root.querySelector('.header button[aria-label="Close isotel devtools"]') as HTMLElement,
    separator: root.querySelector('[role="separator"]') as HTMLElement,
  };
}

function expectOnScreen(panel: HTMLElement, close: HTMLElement): void {
  expect(panel.getBoundingClientRect().top).toBeGreaterThanOrEqual(0);
  const button = close.getBoundingClientRect();
  expect(button.top).toBeGreaterThanOrEqual(0);
  expect(button.bottom).toBeLessThanOrEqual(window.innerHeight);
}

describe('the panel size and the window', () => {
  it('caps a stored size taller than the window, keeping the header in view', async () => {
    await page.viewport(1000, 450);
    localStorage.setItem(KEY, JSON.stringify({ version: STATE_VERSION, open: true, size: 5000 }));
    const { panel, close, separator } = mount();
    await frames();
    expectOnScreen(panel, close);
    expect(Number(separator.getAttribute('aria-valuenow'))).toBeLessThanOrEqual(window.innerHeight);
    expect(Number(separator.getAttribute('aria-valuemax'))).toBeLessThanOrEqual(window.innerHeight);
  });

  it('shrinks with the window and grows back to the chosen size', async () => {
    await page.viewport(1000, 800);
    localStorage.setItem(KEY, JSON.stringify({ version: STATE_VERSION, open: true, size: 700 }));
    const { panel, close } = mount();
    await frames();
    expect(panel.getBoundingClientRect().height).toBe(700);
    await page.viewport(1000, 400);
    await frames(3);
    expectOnScreen(panel, close);
    await page.viewport(1000, 800);
    await frames(3);
    expect(panel.getBoundingClientRect().height).toBe(700);
  });

  it('keeps the header in view in a window shorter than the minimum size', async () => {
    await page.viewport(1000, 100);
    const { panel, close } = mount();
    await frames();
    expectOnScreen(panel, close);
  });

  it('resizes from the size shown, not from a stored size the window cannot fit', async () => {
    await page.viewport(1000, 450);
    localStorage.setItem(KEY, JSON.stringify({ version: STATE_VERSION, open: true, size: 5000 }));
    const { panel, separator } = mount();
    await frames();
    const shown = panel.getBoundingClientRect().height;
    separator.focus();
    separator.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowDown', bubbles: true }));
    await frames();
    expect(panel.getBoundingClientRect().height).toBe(shown - 16);
  });
});
