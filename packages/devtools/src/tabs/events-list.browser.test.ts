import { createTelemetry } from '@isotel/core';
import { afterEach, describe, expect, it } from 'vitest';
import { mountDevtools } from '../production.js';

// Real layout in Chromium: virtualisation and the "N new" pill depend on scroll geometry.

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
  localStorage.clear();
});

function setup(bufferSize = 1000) {
  localStorage.clear();
  const t = createTelemetry();
  const el = document.createElement('div');
  document.body.appendChild(el);
  const handle = mountDevtools(el, {
    telemetry: t,
    initialIsOpen: true,
    bufferSize,
    storageKey: 'isotel.devtools.test',
  });
  cleanups.push(() => {
    handle.unmount();
    el.remove();
  });
  const root = el.querySelector('[data-isotel-devtools]')?.shadowRoot as ShadowRoot;
  const list = root.querySelector('[role="listbox"]') as HTMLElement;
  return { t, root, list };
}

function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(() => requestAnimationFrame(() => resolve()), 150));
}

describe('the event list in Chromium', () => {
  it('keeps only the rows in view in the DOM and follows the newest event', async () => {
    const { t, list } = setup();
    for (let i = 0; i < 800; i++) t.emit('load.tick', { i });
    await settle();
    const rows = list.querySelectorAll('[role="option"]');
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.length).toBeLessThan(60);
    expect(list.scrollTop + list.clientHeight).toBeGreaterThanOrEqual(list.scrollHeight - 1);
    expect(rows[rows.length - 1]?.textContent).toContain('i=799');
  });

  it('holds still when scrolled up, counts new events in a pill, and jumps back on click', async () => {
    const { t, root, list } = setup();
    for (let i = 0; i < 300; i++) t.emit('load.tick', { i });
    await settle();
    list.scrollTop = 0;
    list.dispatchEvent(new Event('scroll'));
    await settle();
    const firstRow = list.querySelector('[role="option"]')?.textContent;
    for (let i = 0; i < 7; i++) t.emit('load.more', { i });
    await settle();
    const pill = root.querySelector('.pill') as HTMLButtonElement;
    expect(pill.hidden).toBe(false);
    expect(pill.textContent).toBe('7 new');
    expect(list.scrollTop).toBe(0);
    expect(list.querySelector('[role="option"]')?.textContent).toBe(firstRow);
    pill.click();
    await settle();
    expect(pill.hidden).toBe(true);
    expect(list.scrollTop + list.clientHeight).toBeGreaterThanOrEqual(list.scrollHeight - 1);
  });

  it('keeps the view in place when the ring overwrites the oldest events while scrolled up', async () => {
    const { t, list } = setup(200);
    for (let i = 0; i < 200; i++) t.emit('load.tick', { i });
    await settle();
    list.scrollTop = 100 * 22;
    list.dispatchEvent(new Event('scroll'));
    await settle();
    const before = list.querySelector('[role="option"][data-seq="110"]')?.getBoundingClientRect().top;
    for (let i = 0; i < 20; i++) t.emit('load.more', { i });
    await settle();
    const after = list.querySelector('[role="option"][data-seq="110"]')?.getBoundingClientRect().top;
    expect(before).toBeDefined();
    expect(after).toBe(before);
  });

  it('holds still when more events than the buffer holds arrive, and counts only the new events held', async () => {
    const { t, root, list } = setup(200);
    for (let i = 0; i < 200; i++) t.emit('load.tick', { i });
    await settle();
    list.scrollTop = 50 * 22;
    list.dispatchEvent(new Event('scroll'));
    await settle();
    const rowAt = (seq: number) => list.querySelector(`[role="option"][data-seq="${seq}"]`);
    const before = rowAt(60)?.getBoundingClientRect().top;
    const text = rowAt(60)?.textContent;
    // 500 events in two bursts: every row in view leaves the ring
    for (let i = 0; i < 250; i++) t.emit('load.more', { i });
    await settle();
    for (let i = 250; i < 500; i++) t.emit('load.more', { i });
    await settle();
    expect(rowAt(60)?.getBoundingClientRect().top).toBe(before);
    expect(rowAt(60)?.textContent).toBe(text);
    const pill = root.querySelector('.pill') as HTMLButtonElement;
    expect(pill.hidden).toBe(false);
    expect(pill.textContent).toBe('200 new');
    pill.click();
    await settle();
    const rows = list.querySelectorAll('[role="option"]');
    expect(rows[rows.length - 1]?.textContent).toContain('i=499');
    expect(root.querySelector('.count')?.textContent).toContain('200 shown');
  });
});
