// A tiny element builder: the panel is plain DOM, so it needs no framework in the host page.

type Attrs = Record<string, string | number | boolean | undefined>;
type Child = Node | string | null | undefined | false;

/**
 * Creates an element with attributes and children. `on*` keys are not supported on purpose:
 * listeners are added explicitly so they are easy to find and remove.
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const key in attrs) {
    const value = attrs[key];
    if (value === undefined || value === false) continue;
    el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

/** Appends children, skipping empty ones and turning strings into text nodes. */
export function append(parent: Node, children: readonly Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
  }
}

/** Replaces all children of `parent`. */
export function replaceChildren(parent: Element, ...children: Child[]): void {
  parent.textContent = '';
  append(parent, children);
}

/** Sets an element's text only when it differs, so a periodic refresh leaves focus and selection alone. */
export function setText(el: Element, text: string): void {
  if (el.textContent !== text) el.textContent = text;
}

/** Puts `child` right after `previous` in `parent` (first when `previous` is null), moving it only if needed. */
export function placeAfter(parent: Element, child: Element, previous: Element | null): void {
  if (previous === null) {
    if (parent.firstElementChild !== child) parent.prepend(child);
  } else if (previous.nextElementSibling !== child) previous.after(child);
}

/** Formats a value for display in one line, never throwing on cycles or BigInts. */
export function formatValue(value: unknown, indent?: number): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  try {
    const seen = new WeakSet<object>();
    return JSON.stringify(
      value,
      (_key, v: unknown) => {
        if (typeof v === 'bigint') return `${v}n`;
        if (v instanceof Error) return `${v.name}: ${v.message}`;
        if (typeof v === 'object' && v !== null) {
          if (seen.has(v)) return '[cycle]';
          seen.add(v);
        }
        return v;
      },
      indent,
    );
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/**
 * Formats measurements for a one-line summary, `duration=80.6 count=1`: fractions rounded to
 * three decimals (three significant digits below 1), since clock readings carry float noise.
 * The event detail shows the exact values.
 */
export function formatMeasurements(measurements: unknown): string {
  if (typeof measurements !== 'object' || measurements === null) return formatValue(measurements);
  const parts: string[] = [];
  for (const [key, value] of Object.entries(measurements)) parts.push(`${key}=${formatReading(value)}`);
  return parts.join(' ');
}

/**
 * Formats one reading: integers exactly, fractions rounded to three decimals (three significant
 * digits below 1), anything else as {@link formatValue} does.
 */
export function formatReading(value: unknown): string {
  if (typeof value !== 'number' || Number.isInteger(value) || !Number.isFinite(value)) return formatValue(value);
  return String(Math.abs(value) >= 1 ? Number(value.toFixed(3)) : Number(value.toPrecision(3)));
}

/** Formats an error (or anything thrown) as its message. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
