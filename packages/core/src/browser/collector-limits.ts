import type { IngestLimits } from '../export/record.js';

const KEY_PREFIX = 'isotel.exporter.limits:';

function storage(): Storage | undefined {
  try {
    return (globalThis as { localStorage?: Storage }).localStorage;
  } catch {
    return undefined; // reading localStorage itself throws where storage is blocked
  }
}

/**
 * The per-batch limits a collector advertised at `endpoint`, as the last page of this origin
 * learnt them, so a new page's first requests already stay within them. Undefined where nothing
 * was learnt or localStorage is missing (workers, blocked storage).
 */
export function rememberedLimits(endpoint: string): IngestLimits | undefined {
  try {
    const text = storage()?.getItem(KEY_PREFIX + endpoint);
    if (text == null) return undefined;
    const { maxEvents, maxBytes } = JSON.parse(text) as Partial<IngestLimits>;
    const positive = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n) && n >= 1;
    return positive(maxEvents) && positive(maxBytes) ? { maxEvents, maxBytes } : undefined;
  } catch {
    return undefined;
  }
}

/** Keeps the limits a collector advertised for the next pages of the origin. */
export function rememberLimits(endpoint: string, limits: IngestLimits): void {
  try {
    storage()?.setItem(KEY_PREFIX + endpoint, JSON.stringify(limits));
  } catch {
    // full or blocked: the next page learns them again from its first answer
  }
}
