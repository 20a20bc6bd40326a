// Shared by the panel's DOM tests (not part of the package's entries).
import { within } from '@testing-library/dom';
import { act } from '@testing-library/react';

/** Testing Library queries scoped to the panel inside a devtools host's shadow root. */
export function panelQueries(container: ParentNode) {
  const root = container.querySelector('[data-isotel-devtools]')?.shadowRoot?.querySelector<HTMLElement>('.root');
  if (!root) throw new Error('no devtools shadow root');
  return Object.assign(within(root), { root });
}

/** Resolves after the next animation frame (the panel renders once per frame). */
export function nextFrame(): Promise<void> {
  return act(() => new Promise<void>((resolve) => requestAnimationFrame(() => resolve())));
}
