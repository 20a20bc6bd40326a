import { describe, expect, it } from 'vitest';
import { mountPanel } from '../engine/panel.test-kit.js';

// Real Chromium: a busy stream redraws the Events tab ten times a second; what the user is
// reading (the detail's scroll position) and where the keyboard is must survive each redraw.

function setup(bufferSize = 1000) {
  const { t, root } = mountPanel({ initialIsOpen: true, bufferSize, storageKey: 'isotel.devtools.redraw-test' });
  return { t, root };
}

function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(() => requestAnimationFrame(() => resolve()), 150));
}

/** Emits `count` events over about `ms`, one batch per 20 ms, as a busy app does. */
async function burst(emit: (i: number) => void, ms = 600): Promise<void> {
  let i = 0;
  const until = performance.now() + ms;
  while (performance.now() < until) {
    for (let k = 0; k < 10; k++) emit(i++);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await settle();
}

describe('redraws during a burst', () => {
  it("keep the detail of a span event where the user scrolled it, and add the span's new events", async () => {
    // a small buffer: the burst pushes the selected event out of it, as 10k events/s do to 1,000
    const { t, root } = setup(100);
    const rows = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`field${i}`, `value ${i}`]));
    t.emit('db.query.start', { monotonicTime: 100 }, { spanId: 'sp1', ...rows });
    await settle();
    (root.querySelector('[role="option"]') as HTMLElement).click();
    const detail = root.querySelector('section.detail') as HTMLElement;
    expect(detail.scrollHeight).toBeGreaterThan(detail.clientHeight + 100);
    detail.scrollTop = 80;
    const heading = detail.querySelector('h3') as HTMLElement;
    await burst((i) => {
      t.emit('noise.tick', { i });
      if (i === 30) t.emit('db.query.progress', { monotonicTime: 110 }, { spanId: 'sp1' });
    });
    expect(detail.scrollTop).toBe(80);
    // only what changed is redrawn: the event's own part of the view is the same DOM
    expect(heading.isConnected).toBe(true);
    expect(detail.textContent).toContain('"field59": "value 59"');
    const span = root.querySelector('[role="group"][aria-label="Span events"]') as HTMLElement;
    expect(span.textContent).toContain('db.query.progress');
  });

  it('keep the keyboard focus on a span in the "Group by span" view', async () => {
    const { t, root } = setup();
    t.span('checkout.order', { user: 'u1' }, () => {
      t.span('checkout.payment', {}, () => {});
    });
    await settle();
    (root.querySelector('input[type="checkbox"]') as HTMLInputElement).click();
    await settle();
    const spans = root.querySelector('[role="region"][aria-label="Spans"]') as HTMLElement;
    const button = spans.querySelector('button') as HTMLButtonElement;
    button.focus();
    expect(root.activeElement).toBe(button);
    await burst((i) => t.emit('noise.tick', { i }));
    expect(root.activeElement?.textContent).toBe(button.textContent);
    expect(root.activeElement).toBe(button);
  });
});
