import { createTelemetry } from '@isotel/core';
import { act } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { mountPanel } from '../engine/panel.test-kit.js';
import { STREAM_RENDER_INTERVAL_MS } from '../engine/render-scheduler.js';

// The event list as a screen reader reads it: a listbox whose options say where they are in
// the whole (virtualised) list and which one is active.

function frame(): Promise<void> {
  return act(
    () =>
      new Promise<void>((resolve) =>
        setTimeout(() => requestAnimationFrame(() => resolve()), STREAM_RENDER_INTERVAL_MS + 10),
      ),
  );
}

describe('the events listbox', () => {
  it('gives each option an id and its place in the list, and names the active one', async () => {
    const t = createTelemetry();
    const { root } = mountPanel({ telemetry: t, initialIsOpen: true });
    act(() => {
      for (let i = 0; i < 5; i++) t.emit('list.item', { i });
    });
    await frame();
    const list = root.querySelector('[role="listbox"]') as HTMLElement;
    const options = [...list.querySelectorAll('[role="option"]')];
    expect(options).toHaveLength(5);
    const ids = options.map((o) => o.id);
    expect(new Set(ids).size).toBe(5);
    for (const id of ids) expect(id).toMatch(/\S/);
    expect(options.map((o) => o.getAttribute('aria-setsize'))).toEqual(['5', '5', '5', '5', '5']);
    expect(options.map((o) => o.getAttribute('aria-posinset'))).toEqual(['1', '2', '3', '4', '5']);
    expect(list.hasAttribute('aria-activedescendant')).toBe(false);

    list.focus();
    await userEvent.keyboard('{ArrowDown}{ArrowDown}');
    const active = list.getAttribute('aria-activedescendant');
    expect(active).toBe(options[1]?.id);
    expect(root.getElementById(active ?? '')?.getAttribute('aria-selected')).toBe('true');

    act(() => t.emit('list.item', { i: 5 }));
    await frame();
    expect(list.querySelector('[role="option"]')?.getAttribute('aria-setsize')).toBe('6');
    expect(list.getAttribute('aria-activedescendant')).toBe(active);
  });
});
