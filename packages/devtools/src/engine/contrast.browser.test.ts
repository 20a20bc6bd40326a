import { createTelemetry } from '@isotel/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mountDevtools } from '../production.js';
import type { DevtoolsTheme } from './options.js';

// WCAG AA: text needs a contrast ratio of at least 4.5:1 with what is behind it, in both themes.

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
  localStorage.clear();
});

function rgb(color: string): [number, number, number] {
  const m = /rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)/.exec(color);
  if (!m) throw new Error(`not an rgb colour: ${color}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

function luminance(color: string): number {
  const [r, g, b] = rgb(color).map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function contrast(fg: string, bg: string): number {
  const [a, b] = [luminance(fg), luminance(bg)].sort((x, y) => y - x) as [number, number];
  return (a + 0.05) / (b + 0.05);
}

function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(() => requestAnimationFrame(() => resolve()), 150));
}

describe.each(['dark', 'light'] as DevtoolsTheme[])('contrast in the %s theme', (theme) => {
  it('reaches 4.5:1 on the "N new" pill and on a selected row', async () => {
    const t = createTelemetry();
    const el = document.createElement('div');
    document.body.appendChild(el);
    const handle = mountDevtools(el, { telemetry: t, theme, initialIsOpen: true, storageKey: 'contrast-test' });
    cleanups.push(() => {
      handle.unmount();
      el.remove();
    });
    const root = el.querySelector('[data-isotel-devtools]')?.shadowRoot as ShadowRoot;
    for (let i = 0; i < 60; i++) t.emit('checkout.payment.stop', { duration: 12.3, count: i });
    // the stream's renders are throttled (more so after a slow one): wait for the list
    await vi.waitFor(() => expect(root.querySelector('[role="listbox"]')).not.toBeNull(), { timeout: 3000 });
    const list = root.querySelector('[role="listbox"]') as HTMLElement;
    list.scrollTop = 0;
    list.dispatchEvent(new Event('scroll'));
    await settle();
    t.emit('more.x');
    await vi.waitFor(() => expect(root.querySelector('.pill')).not.toBeNull(), { timeout: 3000 });
    const pill = root.querySelector('.pill') as HTMLElement;
    const pillStyle = getComputedStyle(pill);
    expect(contrast(pillStyle.color, pillStyle.backgroundColor)).toBeGreaterThanOrEqual(4.5);

    const row = root.querySelector('[role="option"]') as HTMLElement;
    row.click();
    await settle();
    expect(row.getAttribute('aria-selected')).toBe('true');
    const background = getComputedStyle(row).backgroundColor;
    for (const part of ['.time', '.name', '.summary']) {
      const color = getComputedStyle(row.querySelector(part) as HTMLElement).color;
      expect(contrast(color, background), `${part} on a selected row`).toBeGreaterThanOrEqual(4.5);
    }
  });
});
