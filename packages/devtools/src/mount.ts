import type { Telemetry } from '@isotel/core';

/** Options of {@link mountDevtools}. */
export interface DevtoolsOptions {
  /** The bus to watch. */
  telemetry: Telemetry;
  /** Events kept in the ring buffer. @default 1000 */
  bufferSize?: number;
}

/** A mounted devtools panel. */
export interface DevtoolsHandle {
  /** Removes the panel and detaches from the bus. */
  unmount(): void;
}

let mounted = 0;

/**
 * Mounts the devtools panel into `el` (in a shadow root, so styles never leak either way).
 *
 * @example const dt = mountDevtools(document.body, { telemetry: t }); dt.unmount()
 */
export function mountDevtools(el: HTMLElement, options: DevtoolsOptions): DevtoolsHandle {
  const { telemetry, bufferSize = 1000 } = options;
  const root = el.attachShadow ? el.attachShadow({ mode: 'open' }) : el;
  const list = document.createElement('ol');
  list.setAttribute('aria-label', 'isotel events');
  root.appendChild(list);
  const handlerId = `isotel.devtools.${++mounted}`;
  telemetry.attach(
    handlerId,
    '**',
    (name) => {
      const item = document.createElement('li');
      item.textContent = name;
      list.appendChild(item);
      while (list.childElementCount > bufferSize) list.firstElementChild?.remove();
    },
    { onFailure: 'keep' },
  );
  return {
    unmount() {
      telemetry.detach(handlerId);
      list.remove();
    },
  };
}
