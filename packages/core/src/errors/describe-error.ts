/**
 * A one-line description of a thrown value that never throws itself: a handler may throw a
 * null-prototype object, an Error whose `message` getter throws, or a Proxy. With `withName`,
 * an Error reads `TypeError: message`; otherwise its message alone.
 */
export function describeError(error: unknown, withName = false): string {
  try {
    if (error instanceof Error) return withName ? `${error.name}: ${error.message}` : String(error.message);
    return String(error);
  } catch {
    return 'a thrown value that cannot be printed';
  }
}

/**
 * How a message names a value it refuses: numbers, booleans and undefined as written, strings
 * quoted, anything else by its kind (`an array`, `null`, `object`, `function`). Never throws.
 */
export function describeValue(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean' || value === undefined) return String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return 'an array';
  return value === null ? 'null' : typeof value;
}
