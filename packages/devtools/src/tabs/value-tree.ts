// The event detail's metadata as a collapsible tree, in the spirit of TanStack Query's explorer.
// Everything is bounded so that opening any event stays cheap, whatever it holds: a node's
// children are built only when it is expanded, a page of them at a time; long strings are cut;
// nothing is auto-expanded past a small budget. What was left out is one click away.

import {
  type Container,
  containerLabel,
  containerOf,
  formatError,
  formatLeaf,
  formatNested,
  h,
  readProperty,
} from '../engine/dom.js';

/** Children an expanded node shows at first, and how many more each "more" click adds. */
export const TREE_PAGE = 100;
/** Characters of a string shown at first; each "more characters" click adds ten times as many. */
export const STRING_HEAD = 1000;
// characters of a node's one-line preview
const PREVIEW_LENGTH = 120;
// nodes expanded without a click: the top levels, when small, within a budget of drawn nodes
const AUTO_EXPAND_DEPTH = 2;
const AUTO_EXPAND_ENTRIES = 10;
const AUTO_EXPAND_BUDGET = 200;

/** One child of a node: its label (`"key"`, `0`, `"k" =>`, none for a Set) and value. */
interface Child {
  readonly label: string | undefined;
  readonly read: { value: unknown } | { error: string };
}

/** The children of one container, read a page at a time. */
interface Children {
  readonly total: number;
  page(from: number, count: number): Child[];
}

function childrenOf(value: object, kind: Container): Children {
  if (kind === 'array') {
    const list = value as ArrayLike<unknown>;
    return {
      total: list.length,
      page: (from, count) => {
        const out: Child[] = [];
        for (let i = from; i < Math.min(list.length, from + count); i++) {
          out.push({ label: String(i), read: readProperty(value, i) });
        }
        return out;
      },
    };
  }
  if (kind === 'map' || kind === 'set') {
    const collection = value as Map<unknown, unknown> | Set<unknown>;
    return {
      total: collection.size,
      page: (from, count) => {
        const out: Child[] = [];
        let i = 0;
        for (const item of collection.entries()) {
          if (i++ < from) continue;
          if (out.length === count) break;
          const [k, v] = item as [unknown, unknown];
          out.push({
            label: kind === 'map' ? `${formatNested(k, PREVIEW_LENGTH)} =>` : undefined,
            read: { value: v },
          });
        }
        return out;
      },
    };
  }
  const keys = Object.keys(value);
  // an Error's own keys leave out its message and stack, which are what one opens it for
  if (value instanceof Error) {
    for (const key of ['stack', 'message', 'name']) if (!keys.includes(key)) keys.unshift(key);
    if ('cause' in value && !keys.includes('cause')) keys.push('cause');
  }
  return {
    total: keys.length,
    page: (from, count) =>
      keys.slice(from, from + count).map((key) => ({
        label: JSON.stringify(key.length > 200 ? `${key.slice(0, 199)}…` : key),
        read: readProperty(value, key),
      })),
  };
}

interface DrawContext {
  /** Nodes that may still be expanded without a click, during the first draw. */
  budget: number;
}

/**
 * Draws `value` (an event's metadata) as a tree: the top level's entries as a list, each
 * container a button that expands it. Strings are drawn as text, never as HTML.
 */
export function valueTree(value: unknown, label = 'Metadata'): HTMLElement {
  const ctx: DrawContext = { budget: AUTO_EXPAND_BUDGET };
  const list = h('ul', { class: 'tree', 'aria-label': label });
  if (typeof value === 'object' && value !== null && formatError(value) === undefined) {
    fillChildren(list, value, [value], 0, ctx);
  } else {
    list.appendChild(node({ label: undefined, read: { value } }, [], 0, ctx));
  }
  return list;
}

// Appends the first page of `value`'s children to `list`, then a "more" button for the rest.
function fillChildren(list: HTMLElement, value: object, ancestors: object[], depth: number, ctx: DrawContext): void {
  let children: Children;
  try {
    children = childrenOf(value, containerOf(value));
  } catch (error) {
    list.appendChild(h('li', { class: 'error' }, `[unreadable: ${formatNested(error, PREVIEW_LENGTH)}]`));
    return;
  }
  if (children.total === 0) {
    list.appendChild(h('li', { class: 'muted' }, 'empty'));
    return;
  }
  appendPage(list, children, 0, ancestors, depth, ctx);
}

function appendPage(
  list: HTMLElement,
  children: Children,
  from: number,
  ancestors: object[],
  depth: number,
  ctx: DrawContext,
): void {
  let page: Child[];
  try {
    page = children.page(from, TREE_PAGE);
  } catch (error) {
    list.appendChild(h('li', { class: 'error' }, `[unreadable: ${formatNested(error, PREVIEW_LENGTH)}]`));
    return;
  }
  for (const child of page) list.appendChild(node(child, ancestors, depth, ctx));
  const shown = from + page.length;
  const left = children.total - shown;
  if (left <= 0 || page.length === 0) return;
  const more = h(
    'button',
    { type: 'button', class: 'more' },
    `… ${left} more${left > TREE_PAGE ? ` (show ${TREE_PAGE})` : ''}`,
  );
  const item = h('li', {}, more);
  more.addEventListener('click', () => {
    item.remove();
    appendPage(list, children, shown, ancestors, depth, { budget: 0 });
    // the keyboard stays where the list went on
    (list.children[shown]?.querySelector('button') as HTMLElement | null)?.focus();
  });
  list.appendChild(item);
}

// One entry: a leaf (`"key": value`), or a container whose button expands it.
function node(child: Child, ancestors: object[], depth: number, ctx: DrawContext): HTMLElement {
  const key = child.label === undefined ? null : h('span', { class: 'key' }, child.label);
  const sep = child.label === undefined || child.label.endsWith('=>') ? ' ' : ': ';
  if ('error' in child.read) return h('li', {}, key, key && sep, h('span', { class: 'error' }, child.read.error));
  const value = child.read.value;
  if (typeof value === 'string') return h('li', {}, key, key && sep, stringValue(value));
  const leaf = formatLeaf(value, PREVIEW_LENGTH) ?? formatError(value);
  const object = value as object;
  if (leaf !== undefined && !(value instanceof Error)) {
    return h('li', {}, key, key && sep, h('span', { class: 'value' }, leaf));
  }
  if (ancestors.includes(object)) return h('li', {}, key, key && sep, h('span', { class: 'muted' }, '[cycle]'));
  const kind = containerOf(object);
  let count = 0;
  try {
    count =
      kind === 'object' && !(value instanceof Error) ? Object.keys(object).length : childrenOf(object, kind).total;
  } catch {
    count = 0;
  }
  const summary = h(
    'button',
    { type: 'button', class: 'node', 'aria-expanded': 'false' },
    key,
    key && sep,
    h('span', { class: 'preview' }, preview(object, kind)),
  );
  const item = h('li', {}, summary);
  let children: HTMLElement | undefined;
  const expand = (drawCtx: DrawContext) => {
    if (!children) {
      children = h('ul', {});
      fillChildren(children, object, [...ancestors, object], depth + 1, drawCtx);
      item.appendChild(children);
    }
    children.hidden = false;
    summary.setAttribute('aria-expanded', 'true');
  };
  summary.addEventListener('click', () => {
    if (summary.getAttribute('aria-expanded') === 'true') {
      summary.setAttribute('aria-expanded', 'false');
      if (children) children.hidden = true;
    } else expand({ budget: 0 });
  });
  if (depth < AUTO_EXPAND_DEPTH && count > 0 && count <= AUTO_EXPAND_ENTRIES && ctx.budget >= count) {
    ctx.budget -= count;
    expand(ctx);
  }
  return item;
}

function preview(object: object, kind: Container): string {
  const error = formatError(object);
  if (error !== undefined) return error.length > PREVIEW_LENGTH ? `${error.slice(0, PREVIEW_LENGTH - 1)}…` : error;
  const text = formatNested(object, PREVIEW_LENGTH);
  // an array's preview starts with its length, which the one-line form leaves out
  return kind === 'array' && text.startsWith('[') ? `${containerLabel(object, kind)} ${text}` : text;
}

// A string in quotes, cut after STRING_HEAD characters with a button for more.
function stringValue(value: string): HTMLElement {
  const text = h('span', {}, value.slice(0, STRING_HEAD));
  const out = h('span', { class: 'string' }, '"', text, '"');
  let shown = Math.min(value.length, STRING_HEAD);
  if (shown === value.length) return out;
  const more = h('button', { type: 'button', class: 'more' });
  const label = () => {
    more.textContent = `… ${value.length - shown} more characters`;
  };
  label();
  more.addEventListener('click', () => {
    const next = Math.min(value.length, shown + STRING_HEAD * 10);
    text.appendChild(document.createTextNode(value.slice(shown, next)));
    shown = next;
    if (shown === value.length) more.remove();
    else label();
  });
  out.appendChild(more);
  return out;
}
