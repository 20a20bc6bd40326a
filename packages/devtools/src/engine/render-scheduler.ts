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
 * How much of the main thread the stream's renders may take: after a render that took `ms`,
 * the next one from the stream waits at least `ms × RENDER_SHARE_FACTOR` (and at least
 * {@link STREAM_RENDER_INTERVAL_MS}), so rendering stays within ~2.5% of the thread however
 * slow a frame is (a development build of React, a busy page, a slow machine).
 */
export const RENDER_SHARE_FACTOR = 40;
/** The longest wait between two stream renders, in ms, however slow they are. */
export const MAX_STREAM_RENDER_INTERVAL_MS = 1000;

/**
 * Batches DOM updates: any number of requests before the next animation frame give one render.
 * Requests from the event stream are further spaced by {@link STREAM_RENDER_INTERVAL_MS}, or
 * more after slow renders (see {@link RENDER_SHARE_FACTOR}).
 */
export class RenderScheduler {
  readonly #render: () => void;
  #cancelFrame: (() => void) | undefined;
  #streamTimer: ReturnType<typeof setTimeout> | undefined;
  #lastRender = 0;
  #interval = STREAM_RENDER_INTERVAL_MS;

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
    const wait = this.#lastRender + this.#interval - performance.now();
    if (wait <= 0) {
      this.request();
      return;
    }
    this.#streamTimer = setTimeout(() => {
      this.#streamTimer = undefined;
      this.request();
    }, wait);
  }

  /** Reports how long the last render took (render and commit), which spaces the next ones. */
  rendered(ms: number): void {
    this.#interval = Math.min(
      MAX_STREAM_RENDER_INTERVAL_MS,
      Math.max(STREAM_RENDER_INTERVAL_MS, ms * RENDER_SHARE_FACTOR),
    );
  }

  /** The least time between two stream renders now, in ms. */
  get interval(): number {
    return this.#interval;
  }

  /** Drops any pending render. */
  cancel(): void {
    clearTimeout(this.#streamTimer);
    this.#streamTimer = undefined;
    this.#cancelFrame?.();
    this.#cancelFrame = undefined;
  }
}
