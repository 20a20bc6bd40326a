/**
 * Least time between two renders caused by incoming events, in ms. A busy stream redraws the
 * list ten times a second instead of every frame; user actions still render on the next frame.
 */
export const STREAM_RENDER_INTERVAL_MS = 100;

function nextFrame(fn: () => void): () => void {
  const g = globalThis as {
    requestAnimationFrame?: (cb: () => void) => number;
    cancelAnimationFrame?: (id: number) => void;
  };
  if (g.requestAnimationFrame && g.cancelAnimationFrame) {
    const id = g.requestAnimationFrame(fn);
    return () => g.cancelAnimationFrame?.(id);
  }
  const id = setTimeout(fn, 16);
  return () => clearTimeout(id);
}

/**
 * Batches DOM updates: any number of requests before the next animation frame give one render.
 * Requests from the event stream are further spaced by {@link STREAM_RENDER_INTERVAL_MS}.
 */
export class RenderScheduler {
  readonly #render: () => void;
  #cancelFrame: (() => void) | undefined;
  #streamTimer: ReturnType<typeof setTimeout> | undefined;
  #lastRender = 0;

  constructor(render: () => void) {
    this.#render = render;
  }

  /** Renders on the next animation frame (user actions, tab changes). */
  request(): void {
    if (this.#cancelFrame !== undefined) return;
    this.#cancelFrame = nextFrame(() => {
      this.#cancelFrame = undefined;
      this.#lastRender = performance.now();
      this.#render();
    });
  }

  /** Renders on a frame at least {@link STREAM_RENDER_INTERVAL_MS} after the last render. Cheap when one is pending. */
  requestFromStream(): void {
    if (this.#cancelFrame !== undefined || this.#streamTimer !== undefined) return;
    const wait = this.#lastRender + STREAM_RENDER_INTERVAL_MS - performance.now();
    if (wait <= 0) {
      this.request();
      return;
    }
    this.#streamTimer = setTimeout(() => {
      this.#streamTimer = undefined;
      this.request();
    }, wait);
  }

  /** Drops any pending render. */
  cancel(): void {
    clearTimeout(this.#streamTimer);
    this.#streamTimer = undefined;
    this.#cancelFrame?.();
    this.#cancelFrame = undefined;
  }
}
