/** What the exporter does when the page's life changes. */
export interface LifecycleCallbacks {
  /** The browser came back online. */
  online(): void;
  /** The page was hidden (tab switched, app backgrounded, page unloading): it may never be shown again. */
  hidden(): void;
  /** The page is visible again, or was restored from the back/forward cache. */
  shown(): void;
  /** The page is being unloaded or put in the back/forward cache. */
  pagehide(): void;
}

interface EventTargetLike {
  addEventListener(type: string, listener: () => void): void;
  removeEventListener(type: string, listener: () => void): void;
}

/**
 * Listens to `online`, `pagehide`, `pageshow` and `visibilitychange` where they exist (a no-op
 * in workers and Node), resolving the globals only when constructed. The listeners go on when
 * the exporter is created: an app's own unload listeners added earlier run before them, later
 * ones after (the exporter handles both orders).
 */
export class PageLifecycle {
  readonly #window: EventTargetLike | undefined;
  readonly #document: (EventTargetLike & { visibilityState?: string }) | undefined;
  readonly #callbacks: LifecycleCallbacks;

  constructor(callbacks: LifecycleCallbacks) {
    this.#callbacks = callbacks;
    const g = globalThis as { addEventListener?: unknown; document?: EventTargetLike & { visibilityState?: string } };
    this.#window = typeof g.addEventListener === 'function' ? (globalThis as unknown as EventTargetLike) : undefined;
    this.#document = g.document;
    this.#window?.addEventListener('online', this.#onOnline);
    this.#window?.addEventListener('pagehide', this.#onPagehide);
    this.#window?.addEventListener('pageshow', this.#onPageshow);
    this.#document?.addEventListener('visibilitychange', this.#onVisibility);
  }

  /** True when the page is hidden now. */
  get hidden(): boolean {
    return this.#document?.visibilityState === 'hidden';
  }

  stop(): void {
    this.#window?.removeEventListener('online', this.#onOnline);
    this.#window?.removeEventListener('pagehide', this.#onPagehide);
    this.#window?.removeEventListener('pageshow', this.#onPageshow);
    this.#document?.removeEventListener('visibilitychange', this.#onVisibility);
  }

  readonly #onOnline = (): void => this.#callbacks.online();
  readonly #onPagehide = (): void => this.#callbacks.pagehide();
  readonly #onPageshow = (): void => {
    if (!this.hidden) this.#callbacks.shown();
  };
  readonly #onVisibility = (): void => {
    if (this.hidden) this.#callbacks.hidden();
    else this.#callbacks.shown();
  };
}
