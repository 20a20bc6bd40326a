// The panel's height: its top edge is a separator to drag or move with the keyboard, and what is
// drawn is the user's chosen size capped to the window, so the header stays on screen.

import { h } from './dom.js';
import { MIN_SIZE, type PanelState } from './persisted-state.js';

const RESIZE_STEP = 16;
// room left above the panel at its tallest, so the page stays in view and reachable
const TOP_GAP = 40;

function viewportHeight(): number {
  return globalThis.innerHeight || 800;
}

/**
 * The tallest the panel may be in the current window: the window less a gap, and never taller
 * than the window itself, so its header (and close button) stays on screen.
 */
export function maxSize(): number {
  const height = viewportHeight();
  return Math.max(Math.min(MIN_SIZE, height), height - TOP_GAP);
}

/** Sizes the panel from the stored state and lets the user resize it. */
export class PanelResizer {
  /** The separator along the panel's top edge (`role="separator"`). */
  readonly element: HTMLElement;
  readonly #panel: HTMLElement;
  readonly #state: PanelState;
  readonly #changed: () => void;
  readonly #onWindowResize = () => this.apply();

  /** `changed` runs after the user resized the panel (to persist the size and redraw). */
  constructor(panel: HTMLElement, state: PanelState, changed: () => void) {
    this.#panel = panel;
    this.#state = state;
    this.#changed = changed;
    this.element = h('div', {
      class: 'separator',
      role: 'separator',
      tabindex: '0',
      'aria-orientation': 'horizontal',
      'aria-label': 'Resize isotel devtools',
    });
    this.element.addEventListener('keydown', (event) => this.#resizeKey(event));
    this.element.addEventListener('pointerdown', (event) => this.#startDrag(event));
  }

  /**
   * Follows the window's height while `on` (the panel is open): a closed panel listens to
   * nothing but its hotkey.
   */
  followWindow(on: boolean): void {
    if (on) {
      this.apply();
      globalThis.addEventListener?.('resize', this.#onWindowResize);
    } else globalThis.removeEventListener?.('resize', this.#onWindowResize);
  }

  // The stored size is the user's choice and is kept; what is drawn is capped to the window, on
  // load, on open and on every window resize while open, so it grows back when the window does.
  apply(): void {
    const shown = this.#shownSize();
    const height = `${shown}px`;
    if (this.#panel.style.height !== height) this.#panel.style.height = height;
    this.element.setAttribute('aria-valuenow', String(shown));
    this.element.setAttribute('aria-valuemax', String(maxSize()));
    this.element.setAttribute('aria-valuemin', String(Math.min(MIN_SIZE, maxSize())));
  }

  /** The height the panel has: the chosen size, capped to the window. */
  #shownSize(): number {
    return Math.min(this.#state.size, maxSize());
  }

  #resizeKey(event: KeyboardEvent): void {
    // from the height on screen: a stored size the window cannot fit must not swallow key presses
    const size = this.#shownSize();
    const sizes: Record<string, number> = {
      ArrowUp: size + RESIZE_STEP,
      ArrowDown: size - RESIZE_STEP,
      PageUp: size + RESIZE_STEP * 4,
      PageDown: size - RESIZE_STEP * 4,
      Home: maxSize(),
      End: MIN_SIZE,
    };
    const next = sizes[event.key];
    if (next === undefined) return;
    event.preventDefault();
    this.#resize(next);
  }

  #startDrag(event: PointerEvent): void {
    event.preventDefault();
    const move = (e: PointerEvent) => this.#resize(viewportHeight() - e.clientY);
    const up = () => {
      globalThis.removeEventListener('pointermove', move);
      globalThis.removeEventListener('pointerup', up);
    };
    globalThis.addEventListener('pointermove', move);
    globalThis.addEventListener('pointerup', up);
  }

  #resize(size: number): void {
    this.#state.size = Math.round(Math.min(maxSize(), Math.max(MIN_SIZE, size)));
    this.apply();
    this.#changed();
  }
}
