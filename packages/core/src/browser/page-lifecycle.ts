/** What the exporter does when the page's life changes. */
export interface LifecycleCallbacks {
  /** The browser came back online. */
  online(): void;
  /** The page was hidden (tab switched, app backgrounded): it may never be shown again. */
  hidden(): void;
  /** The page is being unloaded or put in the back/forward cache. */
  pagehide(): void;
}

interface EventTargetLike {
  addEventListener(type: string, listener: () => void): void;
  removeEventListener(type: string, listener: () => void): void;
}

/**
 * Listens to `online`, `pagehide` and `visibilitychange` where they exist (a no-op in workers
 * and Node), resolving the globals only when constructed.
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
    this.#document?.addEventListener('visibilitychange', this.#onVisibility);
  }

  stop(): void {
    this.#window?.removeEventListener('online', this.#onOnline);
    this.#window?.removeEventListener('pagehide', this.#onPagehide);
    this.#document?.removeEventListener('visibilitychange', this.#onVisibility);
  }

  readonly #onOnline = (): void => this.#callbacks.online();
  readonly #onPagehide = (): void => this.#callbacks.pagehide();
  readonly #onVisibility = (): void => {
    if (this.#document?.visibilityState === 'hidden') this.#callbacks.hidden();
  };
}
