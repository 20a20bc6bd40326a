/** Milliseconds; `performance.now()` unless a test injects its own. */
export type Clock = () => number;

export const defaultClock: Clock = () => globalThis.performance.now();

/** Starts an unref'd interval (Node) that never keeps a process alive; `0` starts none. */
export function startTimer(intervalMs: number, tick: () => void): () => void {
  if (intervalMs <= 0) return () => {};
  const timer = setInterval(tick, intervalMs);
  (timer as { unref?: () => void }).unref?.();
  return () => clearInterval(timer);
}
