import { IsotelError } from '@isotel/core';

/** A parsed key combination such as `Ctrl+Shift+E`. */
export interface Hotkey {
  readonly ctrl: boolean;
  readonly shift: boolean;
  readonly alt: boolean;
  readonly meta: boolean;
  /** Lower-case `KeyboardEvent.key`, or the `code` form (`keye`) for letters. */
  readonly key: string;
}

const MODIFIERS = new Set(['ctrl', 'control', 'shift', 'alt', 'option', 'meta', 'cmd', 'mod']);

/** Parses `Ctrl+Shift+E`, `Alt+D`, `Meta+K`... Throws `invalid_argument` on an empty or modifier-only combination. */
export function parseHotkey(source: string): Hotkey {
  const parts = source
    .split('+')
    .map((p) => p.trim().toLowerCase())
    .filter((p) => p.length > 0);
  const key = parts.find((p) => !MODIFIERS.has(p));
  if (key === undefined || parts.filter((p) => !MODIFIERS.has(p)).length !== 1) {
    throw new IsotelError(
      'invalid_argument',
      `Invalid hotkey ${JSON.stringify(source)}: expected e.g. "Ctrl+Shift+E".`,
    );
  }
  return {
    ctrl: parts.includes('ctrl') || parts.includes('control'),
    shift: parts.includes('shift'),
    alt: parts.includes('alt') || parts.includes('option'),
    meta: parts.includes('meta') || parts.includes('cmd') || parts.includes('mod'),
    key,
  };
}

/** True when a keydown matches the combination (by `key`, or by `code` so Shift/Alt layouts still work). */
export function matchesHotkey(hotkey: Hotkey, event: KeyboardEvent): boolean {
  if (event.ctrlKey !== hotkey.ctrl || event.shiftKey !== hotkey.shift) return false;
  if (event.altKey !== hotkey.alt || event.metaKey !== hotkey.meta) return false;
  const key = event.key.toLowerCase();
  const code = event.code.toLowerCase();
  return key === hotkey.key || code === `key${hotkey.key}` || code === `digit${hotkey.key}`;
}

/** True when the key event comes from a place where the user types (input, textarea, select, contenteditable). */
export function isTypingTarget(event: Event): boolean {
  const target = (event.composedPath?.()[0] ?? event.target) as Element | null;
  if (target === null || typeof (target as Element).tagName !== 'string') return false;
  const tag = target.tagName;
  if (tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT') return true;
  return (target as HTMLElement).isContentEditable === true || target.getAttribute('contenteditable') === 'true';
}
