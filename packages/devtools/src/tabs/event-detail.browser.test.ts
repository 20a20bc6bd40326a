import { createTelemetry, type Metadata } from '@isotel/core';
import { afterEach, describe, expect, it } from 'vitest';
import { mountDevtools } from '../production.js';

// Real Chromium: opening an event must cost little main-thread time whatever its metadata holds,
// and what was cut off must stay reachable on demand.

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
  localStorage.clear();
});

function setup() {
  const t = createTelemetry();
  const el = document.createElement('div');
  document.body.appendChild(el);
  const handle = mountDevtools(el, { telemetry: t, initialIsOpen: true, storageKey: 'isotel.devtools.detail-test' });
  cleanups.push(() => {
    handle.unmount();
    el.remove();
  });
  const root = el.querySelector('[data-isotel-devtools]')?.shadowRoot as ShadowRoot;
  const detail = root.querySelector('section.detail') as HTMLElement;
  return { t, root, detail };
}

function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(() => requestAnimationFrame(() => resolve()), 150));
}

/**
 * Clicks the row of `name` and returns the main-thread time of the click, the detail's render and
 * its layout: the median of three opens (closing the detail in between), so that one garbage
 * collection landing in the window does not decide the result.
 */
function open(root: ShadowRoot, detail: HTMLElement, name: string): number {
  const row = [...root.querySelectorAll<HTMLElement>('[role="option"]')].find(
    (r) => r.querySelector('.name')?.textContent === name,
  );
  if (!row) throw new Error(`no row ${name}`);
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    if (i > 0) (detail.querySelector('[data-close]') as HTMLElement).click();
    const start = performance.now();
    row.click();
    void detail.getBoundingClientRect();
    void detail.scrollHeight;
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[1] as number;
}

function toggle(detail: HTMLElement, key: string): HTMLButtonElement {
  const button = [...detail.querySelectorAll<HTMLButtonElement>('button[aria-expanded]')].find((b) =>
    b.textContent?.startsWith(`"${key}"`),
  );
  if (!button) throw new Error(`no toggle for ${key}`);
  return button;
}

describe('the event detail in Chromium', () => {
  it('opens an event with a 50,000-item array quickly and pages through it on demand', async () => {
    const { t, root, detail } = setup();
    const body = Array.from({ length: 50_000 }, (_, i) => ({ id: i, name: `product ${i}`, price: i * 1.5 }));
    t.emit('api.response', { ms: 3 }, { body, route: '/products' });
    await settle();
    const took = open(root, detail, 'api.response');
    expect(took).toBeLessThan(50);
    expect(detail.textContent?.length).toBeLessThan(20_000);
    expect(detail.textContent).toContain('"route": "/products"');
    const items = toggle(detail, 'body');
    expect(items.getAttribute('aria-expanded')).toBe('false');
    expect(items.textContent).toContain('Array(50000)');
    items.click();
    expect(items.getAttribute('aria-expanded')).toBe('true');
    const group = items.parentElement?.querySelector('ul') as HTMLElement;
    expect(group.children.length).toBeLessThanOrEqual(101);
    const more = [...group.querySelectorAll('button')].find((b) => /more/.test(b.textContent ?? ''));
    expect(more?.textContent).toContain('49900 more');
    // one more page: bounded work too (its layout alone takes a few tens of ms here)
    const start = performance.now();
    more?.click();
    void group.getBoundingClientRect();
    expect(performance.now() - start).toBeLessThan(100);
    expect(group.textContent).toContain('"name": "product 199"');
  });

  it('opens an event nested 3,000 levels deep quickly and expands one level per click', async () => {
    const { t, root, detail } = setup();
    const deep: Record<string, unknown> = {};
    let cur = deep;
    for (let i = 0; i < 3000; i++) {
      const next: Record<string, unknown> = {};
      cur.c = next;
      cur = next;
    }
    t.emit('audit.deep', {}, { deep });
    await settle();
    expect(open(root, detail, 'audit.deep')).toBeLessThan(50);
    expect(detail.textContent?.length).toBeLessThan(5_000);
    const before = detail.querySelectorAll('button[aria-expanded]').length;
    const collapsed = detail.querySelector<HTMLButtonElement>('button[aria-expanded="false"]');
    collapsed?.click();
    expect(detail.querySelectorAll('button[aria-expanded]').length).toBe(before + 1);
  });

  it('cuts a long string and shows the rest on demand', async () => {
    const { t, root, detail } = setup();
    t.emit('audit.long', {}, { html: `<b>${'A'.repeat(1_000_000)}</b>` });
    await settle();
    expect(open(root, detail, 'audit.long')).toBeLessThan(50);
    expect(detail.textContent?.length).toBeLessThan(5_000);
    expect(detail.querySelector('b')).toBeNull();
    const more = [...detail.querySelectorAll('button')].find((b) => /more characters/.test(b.textContent ?? ''));
    expect(more).toBeDefined();
    const shown = detail.textContent?.length ?? 0;
    more?.click();
    expect(detail.textContent?.length).toBeGreaterThan(shown);
  });

  it('keeps hostile values readable: getters that throw, cycles, Maps and Sets', async () => {
    const { t, root, detail } = setup();
    const shared = { x: 1 };
    const loop: Record<string, unknown> = { a: 1 };
    loop.self = loop;
    const hostile = Object.defineProperty({}, 'boom', {
      enumerable: true,
      get() {
        throw new Error('getter exploded');
      },
    });
    t.emit('audit.values', {}, {
      one: shared,
      two: shared,
      loop,
      map: new Map([['k', 2]]),
      set: new Set(['v']),
      hostile,
      big: 10n,
    } as unknown as Metadata);
    await settle();
    open(root, detail, 'audit.values');
    const text = detail.textContent ?? '';
    expect(text).toContain('"two": {"x": 1}');
    expect(text).toContain('[cycle]');
    expect(text).toContain('Map(1)');
    expect(text).toContain('Set(1)');
    expect(text).toContain('10n');
    expect(text).toContain('getter exploded');
  });
});
