import { afterEach, describe, expect, it } from 'vitest';
import { userEvent } from 'vitest/browser';
import { mountPanel } from './panel.test-kit.js';

// Real Chromium, real key presses: where the keyboard focus goes when the panel opens and
// closes, and which Esc belongs to the panel.

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
  localStorage.clear();
});

function setup(initialIsOpen = false) {
  const { t, handle, root } = mountPanel({ initialIsOpen, storageKey: 'isotel.devtools.focus-test' });
  return {
    t,
    handle,
    root,
    toggle: root.querySelector('button.toggle') as HTMLButtonElement,
    panel: root.querySelector('.panel') as HTMLElement,
  };
}

function frame(): Promise<void> {
  return new Promise((resolve) => requestAnimationFrame(() => resolve()));
}

function byLabel(root: ShadowRoot, label: string): HTMLElement {
  const el = root.querySelector<HTMLElement>(`[aria-label="${label}"]`);
  if (!el) throw new Error(`no element labelled ${label}`);
  return el;
}

describe('focus when opening and closing', () => {
  it('moves into the panel when opened with Enter on the toggle, and back to it on Esc', async () => {
    const { handle, root, toggle, panel } = setup();
    toggle.focus();
    await userEvent.keyboard('{Enter}');
    expect(handle.isOpen).toBe(true);
    expect(root.activeElement).not.toBeNull();
    expect(panel.contains(root.activeElement)).toBe(true);
    await userEvent.keyboard('{Escape}');
    expect(handle.isOpen).toBe(false);
    expect(root.activeElement).toBe(toggle);
  });

  it('returns to the toggle when closed with the × button', async () => {
    const { handle, root, toggle } = setup(true);
    await userEvent.click(root.querySelector('.header button[aria-label="Close isotel devtools"]') as HTMLElement);
    expect(handle.isOpen).toBe(false);
    expect(root.activeElement).toBe(toggle);
  });

  it('goes to a neighbouring row after a detach is confirmed, and back to Detach on cancel', async () => {
    const { t, root } = setup(true);
    t.attach('app.one', 'a.*', () => {});
    t.attach('app.two', 'b.*', () => {});
    (root.querySelector('[role="tab"]#tab-handlers') as HTMLElement).click();
    await new Promise((resolve) => setTimeout(resolve, 100));
    byLabel(root, 'Detach app.one').focus();
    await userEvent.keyboard('{Enter}');
    expect(root.activeElement?.getAttribute('aria-label')).toBe('Confirm detach app.one');
    await userEvent.keyboard('{Enter}');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(t.listHandlers().map((h) => h.id)).not.toContain('app.one');
    expect(root.activeElement?.getAttribute('aria-label')).toBe('Detach app.two');

    await userEvent.keyboard('{Enter}');
    expect(root.activeElement?.textContent).toBe('Confirm');
    await userEvent.tab();
    expect(root.activeElement?.textContent).toBe('Cancel');
    await userEvent.keyboard('{Enter}');
    expect(root.activeElement?.getAttribute('aria-label')).toBe('Detach app.two');
  });
});

describe('Esc', () => {
  it("belongs to the page while the page has the focus (an app dialog's Esc)", async () => {
    const { handle } = setup(true);
    const dialogButton = document.createElement('button');
    dialogButton.textContent = 'app dialog';
    document.body.appendChild(dialogButton);
    cleanups.push(() => dialogButton.remove());
    dialogButton.focus();
    await userEvent.keyboard('{Escape}');
    expect(handle.isOpen).toBe(true);
  });

  it('cancels a pending detach confirmation instead of closing the panel', async () => {
    const { t, handle, root } = setup(true);
    t.attach('app.one', 'a.*', () => {});
    (root.querySelector('[role="tab"]#tab-handlers') as HTMLElement).click();
    await new Promise((resolve) => setTimeout(resolve, 100));
    byLabel(root, 'Detach app.one').focus();
    await userEvent.keyboard('{Enter}');
    expect(root.activeElement?.getAttribute('aria-label')).toBe('Confirm detach app.one');
    await userEvent.keyboard('{Escape}');
    await frame();
    expect(handle.isOpen).toBe(true);
    expect(root.activeElement?.getAttribute('aria-label')).toBe('Detach app.one');
    expect(t.listHandlers().map((h) => h.id)).toContain('app.one');
    await userEvent.keyboard('{Escape}');
    expect(handle.isOpen).toBe(false);
  });
});
