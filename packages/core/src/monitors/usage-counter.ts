import type { Telemetry } from '../bus/telemetry.js';
import { IsotelError } from '../errors/isotel-error.js';

/** Options of {@link usageCounter}. */
export interface UsageCounterOptions {
  /** Which events are counted. @default '**' (isotel's own `isotel.*` and `telemetry.*` excluded) */
  pattern?: string;
  /**
   * Distinct names tracked. Past it, a new name replaces the least counted one and inherits its
   * count (the Space-Saving rule), so counts are upper bounds and the top stays right for frequent names.
   * @default 1000
   */
  capacity?: number;
  /** Handler id. @default 'isotel.monitor.usage' */
  id?: string;
}

/** A running usage counter. */
export interface UsageCounter {
  /** The `n` most frequent event names, most frequent first. @default n = 10 */
  top(n?: number): { name: string; count: number }[];
  reset(): void;
  detach(): void;
}

/**
 * Counts events per name in bounded memory and reports the most used.
 *
 * @example const usage = usageCounter(t, { pattern: 'ui.**' }); usage.top(5)
 */
export function usageCounter(t: Telemetry, options: UsageCounterOptions = {}): UsageCounter {
  const capacity = options.capacity ?? 1000;
  if (!Number.isInteger(capacity) || capacity < 1) {
    throw new IsotelError('invalid_argument', `capacity must be a positive integer, got ${String(capacity)}.`);
  }
  const id = options.id ?? 'isotel.monitor.usage';
  const counts = new Map<string, number>();
  const handle = (name: string) => {
    if (name.startsWith('isotel.') || name.startsWith('telemetry.')) return;
    const current = counts.get(name);
    if (current !== undefined) {
      counts.set(name, current + 1);
      return;
    }
    if (counts.size < capacity) {
      counts.set(name, 1);
      return;
    }
    let minName = '';
    let min = Number.POSITIVE_INFINITY;
    for (const [n, c] of counts) {
      if (c < min) {
        min = c;
        minName = n;
      }
    }
    counts.delete(minName);
    counts.set(name, min + 1);
  };
  t.attach(id, options.pattern ?? '**', handle, { onFailure: 'keep' });
  const unregister = t.onShutdown(() => t.detach(id));
  return {
    top(n = 10) {
      return [...counts]
        .map(([name, count]) => ({ name, count }))
        .sort((a, b) => b.count - a.count || a.name.localeCompare(b.name))
        .slice(0, n);
    },
    reset: () => counts.clear(),
    detach() {
      unregister();
      t.detach(id);
    },
  };
}
