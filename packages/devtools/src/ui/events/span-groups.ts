import type { Metadata } from '@isotel/core';
import type { EventEntry } from '../../engine/ring-buffer.js';

/** The events of one span (`<prefix>.start` / `.stop` / `.exception` sharing a `spanId`). */
export interface SpanGroup {
  readonly spanId: string;
  readonly parentSpanId: string | undefined;
  /** How many of this span's ancestors are listed above it (0 when its parent is not among the spans). */
  readonly depth: number;
  /** The event name without its last segment. */
  readonly prefix: string;
  readonly status: 'open' | 'ok' | 'error';
  /** The `duration` measurement of the stop or exception event, in ms. */
  readonly duration: number | undefined;
  readonly events: EventEntry[];
}

/** Reads a string id (`spanId`, `correlationId`, ...) from an event's metadata. */
export function idOf(entry: EventEntry, key: string): string | undefined {
  return idIn(entry.metadata, key);
}

/** Reads a string id from metadata; a getter that throws reads as no id. */
export function idIn(metadata: Metadata, key: string): string | undefined {
  let value: unknown;
  try {
    value = metadata[key];
  } catch {
    return undefined;
  }
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

// a span's events as they are collected, before its status is read
interface Collected {
  readonly parent: string | undefined;
  readonly prefix: string;
  readonly events: EventEntry[];
}

/**
 * Groups events by `spanId`, keeping the newest `limit` spans (by first event), in tree order: each
 * span is followed by its children, in the order they started, with its depth below its root.
 */
export function groupBySpan(entries: readonly EventEntry[], limit = 200): SpanGroup[] {
  const groups = new Map<string, Collected>();
  for (const entry of entries) {
    const spanId = idOf(entry, 'spanId');
    if (spanId === undefined) continue;
    let group = groups.get(spanId);
    if (!group) {
      const dot = entry.name.lastIndexOf('.');
      group = {
        parent: idOf(entry, 'parentSpanId'),
        prefix: dot > 0 ? entry.name.slice(0, dot) : entry.name,
        events: [],
      };
      groups.set(spanId, group);
    }
    group.events.push(entry);
  }
  const kept = [...groups.keys()].slice(-limit);
  const keptSet = new Set(kept);
  // the parent a span is listed under: one of the kept spans, and not itself
  const listedParent = (spanId: string): string | undefined => {
    const parent = (groups.get(spanId) as Collected).parent;
    return parent !== undefined && parent !== spanId && keptSet.has(parent) ? parent : undefined;
  };
  const children = new Map<string, string[]>();
  for (const spanId of kept) {
    const parent = listedParent(spanId);
    if (parent !== undefined) {
      const siblings = children.get(parent);
      if (siblings) siblings.push(spanId);
      else children.set(parent, [spanId]);
    }
  }
  const out: SpanGroup[] = [];
  const placed = new Set<string>();
  const place = (root: string): void => {
    const stack: [string, number][] = [[root, 0]];
    while (stack.length > 0) {
      const [spanId, depth] = stack.pop() as [string, number];
      if (placed.has(spanId)) continue;
      placed.add(spanId);
      const g = groups.get(spanId) as Collected;
      const end = g.events.find((e) => e.name.endsWith('.stop') || e.name.endsWith('.exception'));
      const duration = end?.measurements.duration;
      out.push({
        spanId,
        parentSpanId: g.parent,
        depth,
        prefix: g.prefix,
        status: end === undefined ? 'open' : end.name.endsWith('.exception') ? 'error' : 'ok',
        duration: typeof duration === 'number' ? duration : undefined,
        events: g.events,
      });
      const kids = children.get(spanId) ?? [];
      for (let i = kids.length - 1; i >= 0; i--) stack.push([kids[i] as string, depth + 1]);
    }
  };
  // roots are spans whose parent is not among the kept ones; a parent cycle (hostile metadata)
  // has no root, so what is left after the roots is placed from its first span
  for (const spanId of kept) if (listedParent(spanId) === undefined) place(spanId);
  for (const spanId of kept) place(spanId);
  return out;
}
