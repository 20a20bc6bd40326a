import type { EventEntry } from '../engine/ring-buffer.js';

/** The events of one span (`<prefix>.start` / `.stop` / `.exception` sharing a `spanId`). */
export interface SpanGroup {
  readonly spanId: string;
  readonly parentSpanId: string | undefined;
  /** How many ancestors of this span are in the same grouping (0 for a root, or a parent not seen). */
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
  const value = entry.metadata[key];
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

/** Groups events by `spanId`, newest span last, keeping at most `limit` spans. */
export function groupBySpan(entries: readonly EventEntry[], limit = 200): SpanGroup[] {
  const groups = new Map<string, { parent: string | undefined; prefix: string; events: EventEntry[] }>();
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
  const out: SpanGroup[] = [];
  const depths = new Map<string, number>();
  for (const [spanId, g] of groups) {
    const end = g.events.find((e) => e.name.endsWith('.stop') || e.name.endsWith('.exception'));
    const duration = end?.measurements.duration;
    // a parent starts before its children, so its depth is known when a child's is asked for
    const parentDepth = g.parent === undefined ? undefined : depths.get(g.parent);
    const depth = parentDepth === undefined ? 0 : parentDepth + 1;
    depths.set(spanId, depth);
    out.push({
      spanId,
      parentSpanId: g.parent,
      depth,
      prefix: g.prefix,
      status: end === undefined ? 'open' : end.name.endsWith('.exception') ? 'error' : 'ok',
      duration: typeof duration === 'number' ? duration : undefined,
      events: g.events,
    });
  }
  return out.length > limit ? out.slice(out.length - limit) : out;
}

/** Formats milliseconds for display (`12.3 ms`, `1.25 s`). */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '—';
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 10 ? 2 : 1)} ms`;
}
