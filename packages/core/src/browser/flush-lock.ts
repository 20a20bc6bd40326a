/** The Web Lock every tab of an origin asks for before flushing the shared queue. */
export const FLUSH_LOCK_NAME = 'isotel-exporter-flush';

interface LockManagerLike {
  request<T>(name: string, options: { ifAvailable: boolean }, callback: (lock: unknown) => Promise<T>): Promise<T>;
}

/**
 * Runs `work` only if this tab holds the flush lock: another tab flushing means this one skips
 * (its events are in the shared queue and the other tab ships them). Where Web Locks are missing,
 * `work` runs anyway — a second tab may then send the same events, which the collector dedupes.
 * Resolves `false` when skipped.
 */
export async function withFlushLock(name: string, work: () => Promise<void>): Promise<boolean> {
  const locks = (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator?.locks;
  if (locks == null || typeof locks.request !== 'function') {
    await work();
    return true;
  }
  return locks.request(name, { ifAvailable: true }, async (lock) => {
    if (lock === null) return false;
    await work();
    return true;
  });
}
