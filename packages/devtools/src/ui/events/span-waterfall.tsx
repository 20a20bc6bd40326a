import { type ReactNode, useMemo, useRef } from 'react';
import { eventTime, formatDuration } from '../../engine/event-time.js';
import type { EventEntry } from '../../engine/ring-buffer.js';
import { groupBySpan, type SpanGroup } from './span-groups.js';

interface Bar {
  readonly group: SpanGroup;
  readonly start: number;
  readonly end: number;
}

const STATUS_LABEL: Record<SpanGroup['status'], string> = { open: 'running', ok: 'ok', error: 'failed' };

/**
 * Spans as a waterfall: one row per span in tree order (children under their parent), a bar
 * from its start to its end on a shared time axis, its duration and status, and a link to its
 * parent. Choosing a span shows its first event in the detail.
 */
export function SpanWaterfall({
  view,
  tick,
  selected,
  onSelect,
}: {
  /** The events to group (read from the view: see `EventList` on why not an array prop). */
  readonly view: { readonly entries: readonly EventEntry[] };
  readonly tick: number;
  readonly selected: EventEntry | undefined;
  readonly onSelect: (entry: EventEntry) => void;
}): ReactNode {
  const list = useRef<HTMLOListElement>(null);
  const { entries } = view;
  // biome-ignore lint/correctness/useExhaustiveDependencies: tick changes whenever the view's entries do
  const { bars, from, span } = useMemo(() => {
    const groups = groupBySpan(entries);
    const bars: Bar[] = groups.map((group) => {
      const first = group.events[0] as EventEntry;
      const last = group.events[group.events.length - 1] as EventEntry;
      const startEvent = group.events.find((e) => e.name.endsWith('.start')) ?? first;
      const endEvent = group.events.find((e) => e.name.endsWith('.stop') || e.name.endsWith('.exception'));
      const end = endEvent ? eventTime(endEvent) : eventTime(last);
      const start =
        group.duration !== undefined && endEvent
          ? Math.min(eventTime(startEvent), end - group.duration)
          : eventTime(startEvent);
      return { group, start, end: Math.max(start, end) };
    });
    const from = Math.min(...bars.map((b) => b.start));
    const to = Math.max(...bars.map((b) => b.end));
    return { bars, from, span: Math.max(1, to - from) };
  }, [entries, tick]);

  if (bars.length === 0) {
    return (
      <p className="empty">
        No spans among the events shown. Spans are events named <code>*.start</code>, <code>*.stop</code> and{' '}
        <code>*.exception</code> sharing a <code>spanId</code> (<code>t.span(…)</code>).
      </p>
    );
  }
  const names = new Map(bars.map((b) => [b.group.spanId, b.group.prefix]));
  const focusSpan = (spanId: string) => {
    const row = list.current?.querySelector<HTMLButtonElement>(`[data-span="${CSS.escape(spanId)}"]`);
    row?.focus();
    row?.click();
  };
  return (
    <ol ref={list} className="waterfall" aria-label="Spans">
      {bars.map(({ group, start, end }) => {
        const left = ((start - from) / span) * 100;
        const width = Math.max(0.5, ((end - start) / span) * 100);
        const first = group.events[0] as EventEntry;
        const isSelected = selected !== undefined && group.events.includes(selected);
        const parentName = group.parentSpanId === undefined ? undefined : names.get(group.parentSpanId);
        return (
          <li key={group.spanId} className={`span-row status-${group.status}`} aria-current={isSelected || undefined}>
            <button
              type="button"
              className="span-name"
              data-span={group.spanId}
              style={{ paddingInlineStart: `${0.25 + group.depth}em` }}
              onClick={() => onSelect(first)}
            >
              {group.status === 'error' ? <span className="sr-only">Error: </span> : null}
              {group.prefix}
            </button>
            <span className="span-track" aria-hidden="true">
              <span className="span-bar" style={{ left: `${left}%`, width: `${width}%` }} />
            </span>
            <span className="span-duration">
              {formatDuration(group.duration)} <span className="muted">{STATUS_LABEL[group.status]}</span>
            </span>
            {parentName !== undefined && group.parentSpanId !== undefined ? (
              <button
                type="button"
                className="link span-parent"
                title={`Parent: ${parentName}`}
                onClick={() => focusSpan(group.parentSpanId as string)}
              >
                <span className="sr-only">Parent span </span>
                <span aria-hidden="true">↑ </span>
                {parentName}
              </button>
            ) : (
              <span className="span-parent" />
            )}
          </li>
        );
      })}
    </ol>
  );
}
