import { logger } from '../log/logger.js';

/** The Web Lock every tab of an origin asks for before flushing the shared queue. */
export const FLUSH_LOCK_NAME = 'isotel-exporter-flush';

interface LockManagerLike {
  request<T>(name: string, options: { ifAvailable: boolean }, callback: (lock: unknown) => Promise<T>): Promise<T>;
}

/**
 * The flush lock of one exporter. {@link FlushLock.run} runs `work` only if this tab holds the
 * lock: another tab flushing means this one skips (its events are in the shared queue and the
 * other tab ships them). Where Web Locks are missing, or refuse this document (a sandboxed,
 * opaque-origin iframe rejects every request with a `SecurityError`), `work` runs anyway — a
 * second tab may then send the same events, which the collector dedupes. A refusal is logged
 * once; the lock is not asked for again. Without a name (a queue in this page's memory, which no
 * other tab shares) `work` always runs.
 */
export class FlushLock {
  readonly #name: string | undefined;
  #refused = false;
  #held = false;

  constructor(name: string | undefined) {
    this.#name = name;
  }

  /** Resolves `false` when skipped because another tab holds the lock. */
  async run(work: () => Promise<void>): Promise<boolean> {
    const locks = (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator?.locks;
    if (this.#name === undefined || this.#refused || locks == null || typeof locks.request !== 'function') {
      await this.#holding(work);
      return true;
    }
    let granted = false;
    try {
      return await locks.request(this.#name, { ifAvailable: true }, async (lock) => {
        granted = true;
        if (lock === null) return false;
        await this.#holding(work);
        return true;
      });
    } catch (error) {
      if (granted) throw error; // the work failed, not the lock
      this.#refused = true;
      logger().warn('Web Locks refused the flush lock here; this exporter flushes without it.', error);
      await this.#holding(work);
      return true;
    }
  }

  /**
   * Runs `work` when no other tab is flushing: at once when this exporter holds the lock (work
   * that its own flush starts), else as {@link FlushLock.run} does. Resolves `false` when skipped.
   */
  exclusive(work: () => Promise<void>): Promise<boolean> {
    return this.#held ? work().then(() => true) : this.run(work);
  }

  async #holding(work: () => Promise<void>): Promise<void> {
    this.#held = true;
    try {
      await work();
    } finally {
      this.#held = false;
    }
  }
}
