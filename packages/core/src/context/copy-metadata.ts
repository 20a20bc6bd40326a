import type { Metadata } from '../bus/types.js';

/**
 * A shallow copy of `metadata` that the caller then adds keys to. Not `{ ...metadata, key }`:
 * on current V8 adding a property to a spread clone takes a slow path (~1-3 µs here, measured in
 * bench/suites/spans.ts), while filling a fresh literal follows cached transitions. `__proto__`
 * keys (possible from JSON.parse) are skipped so the copy's prototype cannot be replaced.
 */
export function copyMetadata(metadata: Metadata | undefined): Metadata {
  return metadata === undefined ? {} : addMetadata({}, metadata);
}

/** Copies the keys of `source` onto `target` (skipping `__proto__`) and returns `target`. */
export function addMetadata(target: Metadata, source: Metadata): Metadata {
  for (const key in source) {
    if (key !== '__proto__') target[key] = source[key];
  }
  return target;
}
