import type { Metadata } from '../../bus/types.js';
import { DEFAULT_SANITIZE_LIMITS } from '../../sanitize/limits.js';
import { sanitizeMetadata } from '../../sanitize/sanitize-metadata.js';

const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);
const { maxKeys, maxStringLength, maxTotalSize } = DEFAULT_SANITIZE_LIMITS;

/**
 * True when `sanitizeMetadata` (default limits) would return this object unchanged: flat, at most
 * `maxKeys` keys, none forbidden, values that are short strings, finite numbers other than -0,
 * booleans or null, and a JSON size surely within `maxTotalSize` (counted pessimistically, every
 * character as a 6-character escape). Most client metadata is like that (`{ route, outcome }`),
 * and this check is an order of magnitude cheaper than the full walk.
 */
export function isFlatSafeMetadata(metadata: Record<string, unknown>): boolean {
  let keys = 0;
  let size = 2;
  for (const key in metadata) {
    if (++keys > maxKeys || key.length > maxStringLength || FORBIDDEN.has(key)) return false;
    const value = metadata[key];
    size += 6 * key.length + 4;
    switch (typeof value) {
      case 'string':
        if (value.length > maxStringLength) return false;
        size += 6 * value.length + 2;
        break;
      case 'number':
        if (!Number.isFinite(value) || Object.is(value, -0)) return false;
        size += 24;
        break;
      case 'boolean':
        size += 5;
        break;
      default:
        if (value !== null) return false;
        size += 4;
    }
  }
  return size <= maxTotalSize;
}

/**
 * The collector's default sanitiser: metadata parsed from a client's JSON is returned as it is
 * when {@link isFlatSafeMetadata} proves `sanitizeMetadata` would not change it, and otherwise
 * goes through `sanitizeMetadata`.
 */
export function sanitizeRemoteMetadata(metadata: Record<string, unknown>): Metadata {
  return isFlatSafeMetadata(metadata) ? metadata : sanitizeMetadata(metadata);
}
