// One-line previews of event values (never throwing, bounded in length and work), shared by
// the list's summaries, the text filter and the detail view.

/** Longest one-line preview {@link formatValue} writes by default, in characters. */
export const PREVIEW_LENGTH = 2000;

// nesting written before a preview gives up with `…` (the length bound usually stops it first)
const MAX_PREVIEW_DEPTH = 64;

/**
 * Formats a value for display in one line, JSON-like (`{"a": 1, "list": [1, 2]}`), in at most
 * `maxLength` characters (cut with `…`): the work is bounded too, since it stops walking the
 * value once the line is full. Never throws: BigInts read `10n`, Errors `Error: message`, Maps
 * and Sets show their contents, a property whose getter throws reads `[unreadable: ...]`, and only
 * a reference back to an ancestor is a `[cycle]` (an object met twice side by side is written
 * twice). A string on its own is returned as is (cut to the length), not quoted.
 */
export function formatValue(value: unknown, maxLength = PREVIEW_LENGTH): string {
  if (typeof value === 'string') return cut(value, maxLength);
  return new PreviewWriter(maxLength).write(value).text();
}

/** Like {@link formatValue}, but a string is quoted, as it is inside an object. */
export function formatNested(value: unknown, maxLength = PREVIEW_LENGTH): string {
  return new PreviewWriter(maxLength).write(value).text();
}

function cut(text: string, maxLength: number): string {
  return text.length > maxLength ? `${text.slice(0, Math.max(0, maxLength - 1))}…` : text;
}

/** Reads a property of an untrusted object: a throwing getter or proxy trap becomes a marker. */
export function readProperty(object: object, key: PropertyKey): { value: unknown } | { error: string } {
  try {
    return { value: (object as Record<PropertyKey, unknown>)[key] };
  } catch (error) {
    return { error: `[unreadable: ${safeMessage(error)}]` };
  }
}

function safeMessage(error: unknown): string {
  try {
    return error instanceof Error ? error.message : String(error);
  } catch {
    return 'unknown error';
  }
}

/** The one-line form of a value that has no children to show (or undefined when it has some). */
export function formatLeaf(value: unknown, maxLength = PREVIEW_LENGTH): string | undefined {
  if (typeof value === 'string') return JSON.stringify(cut(value, maxLength));
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'symbol') return value.toString();
  if (typeof value === 'function') return `ƒ ${functionName(value)}()`;
  try {
    if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  } catch {
    return '[unreadable Date]';
  }
  return undefined;
}

function functionName(fn: unknown): string {
  try {
    const name = (fn as { name?: unknown }).name;
    return typeof name === 'string' && name !== '' ? name : 'anonymous';
  } catch {
    return 'anonymous';
  }
}

/** `Error: message` for an Error (read defensively), undefined for anything else. */
export function formatError(value: unknown): string | undefined {
  try {
    if (!(value instanceof Error)) return undefined;
    return `${String(value.name)}: ${String(value.message)}`;
  } catch {
    return '[unreadable Error]';
  }
}

/** What kind of container a value is, for previews and the detail's tree. */
export type Container = 'array' | 'map' | 'set' | 'object';

export function containerOf(value: object): Container {
  try {
    if (Array.isArray(value) || ArrayBuffer.isView(value)) return 'array';
    if (value instanceof Map) return 'map';
    if (value instanceof Set) return 'set';
  } catch {
    // a revoked proxy: treated as a plain object, whose reads then report the error
  }
  return 'object';
}

/** `Array(3)`, `Map(2)`, `Uint8Array(4)`: the label a container's preview starts with. */
export function containerLabel(value: object, kind: Container): string {
  try {
    if (kind === 'map' || kind === 'set')
      return `${kind === 'map' ? 'Map' : 'Set'}(${(value as Map<unknown, unknown>).size})`;
    if (kind === 'array') {
      const name = Array.isArray(value) ? 'Array' : (value.constructor?.name ?? 'Array');
      return `${name}(${(value as unknown[]).length})`;
    }
  } catch {
    // fall through
  }
  return '';
}

// Appends to one string and stops once it is longer than the bound: the walk over a large value
// ends as soon as the line is full.
class PreviewWriter {
  #out = '';
  readonly #max: number;
  readonly #ancestors: object[] = [];

  constructor(max: number) {
    this.#max = max;
  }

  get #full(): boolean {
    return this.#out.length > this.#max;
  }

  text(): string {
    return cut(this.#out, this.#max);
  }

  write(value: unknown): this {
    if (this.#full) return this;
    const leaf = formatLeaf(value, this.#max - this.#out.length + 1);
    if (leaf !== undefined) {
      this.#out += leaf;
      return this;
    }
    const object = value as object;
    const error = formatError(object);
    if (error !== undefined) {
      this.#out += error;
      return this;
    }
    if (this.#ancestors.includes(object)) {
      this.#out += '[cycle]';
      return this;
    }
    if (this.#ancestors.length >= MAX_PREVIEW_DEPTH) {
      this.#out += '…';
      return this;
    }
    this.#ancestors.push(object);
    try {
      this.#container(object);
    } catch (e) {
      this.#out += `[unreadable: ${safeMessage(e)}]`;
    }
    this.#ancestors.pop();
    return this;
  }

  #container(object: object): void {
    const kind = containerOf(object);
    if (kind === 'map') {
      this.#out += `${containerLabel(object, kind)} {`;
      let first = true;
      for (const [k, v] of object as Map<unknown, unknown>) {
        if (this.#full) break;
        this.#out += first ? '' : ', ';
        first = false;
        this.write(k);
        this.#out += ' => ';
        this.write(v);
      }
      this.#out += '}';
    } else if (kind === 'set') {
      this.#out += `${containerLabel(object, kind)} {`;
      let first = true;
      for (const v of object as Set<unknown>) {
        if (this.#full) break;
        this.#out += first ? '' : ', ';
        first = false;
        this.write(v);
      }
      this.#out += '}';
    } else if (kind === 'array') {
      if (!Array.isArray(object)) this.#out += `${containerLabel(object, kind)} `;
      this.#out += '[';
      const list = object as ArrayLike<unknown>;
      for (let i = 0; i < list.length && !this.#full; i++) {
        if (i > 0) this.#out += ', ';
        this.#property(object, i);
      }
      this.#out += ']';
    } else {
      const json = jsonOf(object);
      if (json !== undefined) {
        this.write(json.value);
        return;
      }
      this.#out += '{';
      let first = true;
      for (const key in object) {
        if (this.#full) break;
        if (!Object.hasOwn(object, key)) continue;
        this.#out += `${first ? '' : ', '}${JSON.stringify(cut(key, 200))}: `;
        first = false;
        this.#property(object, key);
      }
      this.#out += '}';
    }
  }

  #property(object: object, key: PropertyKey): void {
    const read = readProperty(object, key);
    if ('error' in read) this.#out += read.error;
    else this.write(read.value);
  }
}

/**
 * The `toJSON()` form of an object that has one and turns into a primitive (a URL, a class with
 * its own string form); objects that serialise to objects are shown as they are.
 */
function jsonOf(object: object): { value: unknown } | undefined {
  try {
    const toJSON = (object as { toJSON?: unknown }).toJSON;
    if (typeof toJSON !== 'function') return undefined;
    const value: unknown = toJSON.call(object);
    return typeof value === 'object' && value !== null ? undefined : { value };
  } catch {
    return undefined;
  }
}

/**
 * Formats measurements for a one-line summary, `duration=80.6 count=1`: fractions rounded to
 * three decimals (three significant digits below 1), since clock readings carry float noise.
 * The event detail shows the exact values.
 */
export function formatMeasurements(measurements: unknown): string {
  if (typeof measurements !== 'object' || measurements === null) return formatValue(measurements, SUMMARY_LENGTH);
  let out = '';
  // a row shows one line: stop once it is full, however many measurements there are
  for (const key in measurements) {
    if (!Object.hasOwn(measurements, key)) continue;
    if (out.length > SUMMARY_LENGTH) return `${out.slice(0, SUMMARY_LENGTH)}…`;
    const read = readProperty(measurements, key);
    out += `${out === '' ? '' : ' '}${key}=${'error' in read ? read.error : formatReading(read.value)}`;
  }
  return out;
}

// characters of measurements a row summary holds (more would not fit on the row anyway)
const SUMMARY_LENGTH = 300;

/**
 * Formats one reading: integers exactly, fractions rounded to three decimals (three significant
 * digits below 1), anything else as {@link formatValue} does.
 */
export function formatReading(value: unknown): string {
  if (typeof value !== 'number' || Number.isInteger(value) || !Number.isFinite(value)) return formatValue(value, 200);
  return String(Math.abs(value) >= 1 ? Number(value.toFixed(3)) : Number(value.toPrecision(3)));
}

/** Formats an error (or anything thrown) as its message. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
