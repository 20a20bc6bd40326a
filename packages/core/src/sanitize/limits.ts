/** Bounds applied by {@link sanitizeMetadata}. */
export interface SanitizeLimits {
  /** Nesting levels of objects and arrays; the top-level object is level 1. @default 6 */
  readonly maxDepth: number;
  /** Keys kept per object (and entries per Map). @default 64 */
  readonly maxKeys: number;
  /** Items kept per array, Set or typed array. @default 100 */
  readonly maxArrayLength: number;
  /** UTF-16 code units kept per string (keys included). @default 1024 */
  readonly maxStringLength: number;
  /** Size of the whole result as JSON, in characters. @default 16384 */
  readonly maxTotalSize: number;
}

/** The limits {@link sanitizeMetadata} applies when given none. */
export const DEFAULT_SANITIZE_LIMITS: SanitizeLimits = Object.freeze({
  maxDepth: 6,
  maxKeys: 64,
  maxArrayLength: 100,
  maxStringLength: 1024,
  maxTotalSize: 16_384,
});

function bound(value: unknown, fallback: number, min: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? Math.max(min, Math.floor(value)) : fallback;
}

/** Fills missing or nonsensical limits with the defaults (a sanitiser must not throw on them). */
export function resolveLimits(limits: Partial<SanitizeLimits> | undefined): SanitizeLimits {
  const d = DEFAULT_SANITIZE_LIMITS;
  if (limits === undefined || limits === null || typeof limits !== 'object') return d;
  return {
    maxDepth: bound(limits.maxDepth, d.maxDepth, 1),
    maxKeys: bound(limits.maxKeys, d.maxKeys, 0),
    maxArrayLength: bound(limits.maxArrayLength, d.maxArrayLength, 0),
    maxStringLength: bound(limits.maxStringLength, d.maxStringLength, 1),
    maxTotalSize: bound(limits.maxTotalSize, d.maxTotalSize, 2),
  };
}
