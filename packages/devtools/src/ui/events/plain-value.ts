import { formatValue } from '../../engine/format-value.js';

/** Nesting kept by {@link toPlain}; deeper values are written as one-line previews. */
const MAX_DEPTH = 12;
/** Entries kept per object or array by {@link toPlain}; the rest are counted. */
const MAX_ENTRIES = 200;
/** Characters kept per string by {@link toPlain}. */
const MAX_STRING = 5000;

/**
 * A JSON-safe copy of an event value, for the detail view and "Copy as JSON": bounded in depth,
 * entries and string length; never throws. BigInts, Errors, Maps and Sets, functions, cycles and
 * getters that throw become readable strings or plain containers.
 */
export function toPlain(value: unknown, depth = 0, ancestors: object[] = []): unknown {
  if (value === null || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'string') return value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}…` : value;
  if (typeof value === 'undefined') return '[undefined]';
  if (typeof value !== 'object') return formatValue(value, 200);
  if (ancestors.includes(value)) return '[cycle]';
  if (depth >= MAX_DEPTH || value instanceof Error) return formatValue(value, 500);
  ancestors.push(value);
  try {
    if (value instanceof Map) {
      const out: Record<string, unknown> = {};
      let n = 0;
      for (const [k, v] of value) {
        if (n++ >= MAX_ENTRIES) break;
        out[typeof k === 'string' ? k : formatValue(k, 200)] = toPlain(v, depth + 1, ancestors);
      }
      return out;
    }
    if (value instanceof Set || Array.isArray(value)) {
      const list = [...(value as Iterable<unknown>)];
      const out = list.slice(0, MAX_ENTRIES).map((v) => toPlain(v, depth + 1, ancestors));
      if (list.length > MAX_ENTRIES) out.push(`[${list.length - MAX_ENTRIES} more]`);
      return out;
    }
    const out: Record<string, unknown> = {};
    let n = 0;
    for (const key in value) {
      if (!Object.hasOwn(value, key)) continue;
      if (n++ >= MAX_ENTRIES) {
        out['…'] = 'more entries left out';
        break;
      }
      let child: unknown;
      try {
        child = (value as Record<string, unknown>)[key];
      } catch (error) {
        out[key] = `[unreadable: ${error instanceof Error ? error.message : String(error)}]`;
        continue;
      }
      out[key] = toPlain(child, depth + 1, ancestors);
    }
    return out;
  } catch (error) {
    return `[unreadable: ${error instanceof Error ? error.message : String(error)}]`;
  } finally {
    ancestors.pop();
  }
}
