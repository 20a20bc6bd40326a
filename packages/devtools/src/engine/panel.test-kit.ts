// What the panel's tests share: a panel mounted in a fresh element of the page, on its own bus
// unless one is given, unmounted and removed after each test (with the stored panel state).
import { createTelemetry, type Telemetry } from '@isotel/core';
import { afterEach } from 'vitest';
import { mountDevtools } from '../production.js';
import type { DevtoolsOptions } from './options.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
  localStorage.clear();
});

/** Mounts the panel; `root` is its shadow root. Unmounted after the test. */
export function mountPanel(options: DevtoolsOptions = {}) {
  const t: Telemetry = options.telemetry ?? createTelemetry();
  const el = document.createElement('div');
  document.body.appendChild(el);
  const handle = mountDevtools(el, { ...options, telemetry: t });
  cleanups.push(() => {
    handle.unmount();
    el.remove();
  });
  const root = el.querySelector('[data-isotel-devtools]')?.shadowRoot as ShadowRoot;
  return { t, handle, root, el };
}
