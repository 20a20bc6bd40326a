import { observeElementRect, useVirtualizer, type Virtualizer } from '@tanstack/react-virtual';
import { type KeyboardEvent, type ReactNode, useEffect, useLayoutEffect, useRef } from 'react';
import { eventTime, formatTime, isErrorName } from '../../engine/event-time.js';
import type { EventEntry } from '../../engine/ring-buffer.js';
import { summarize } from './summary.js';

/** Height of one event row, in CSS pixels (the virtualiser places rows by it). */
export const ROW_HEIGHT = 24;
// rows drawn while the list has no measured height yet (before layout, or without one)
const UNMEASURED_HEIGHT = ROW_HEIGHT * 20;

// Rows are keyed by position (the virtualiser's default), not by event: while events stream in,
// the rows in view stay the same DOM nodes and only their text changes, and the virtualiser's
// measurements stay valid as long as the count does.
const rowHeight = (): number => ROW_HEIGHT;

// The list's size as the virtualiser reads it; a list not laid out yet still gets a first page.
function observeListRect(
  instance: Virtualizer<HTMLDivElement, Element>,
  callback: (rect: { width: number; height: number }) => void,
): undefined | (() => void) {
  return observeElementRect(instance, (rect) =>
    callback(rect.height > 0 ? rect : { width: rect.width, height: UNMEASURED_HEIGHT }),
  );
}

interface EventListProps {
  /**
   * The events to list, read from the view, not passed as an array: React's development build
   * diffs changed props deeply, which for a thousand events costs more than the render itself.
   */
  readonly view: { readonly entries: readonly EventEntry[] };
  /** Changes whenever the view's entries do. */
  readonly tick: number;
  readonly selected: EventEntry | undefined;
  readonly onSelect: (entry: EventEntry) => void;
  /** Whether the list follows its live end (bottom, or top when the newest come first). */
  readonly following: boolean;
  readonly liveAtTop: boolean;
  readonly onFollowChange: (following: boolean) => void;
}

/**
 * The event stream as a listbox, virtualised with @tanstack/react-virtual: only the rows in
 * view (and a few around them) are in the DOM. The keyboard moves the selection (arrows,
 * Home/End, PageUp/PageDown); error events are marked for assistive tech and by colour.
 */
export function EventList({
  view,
  selected,
  onSelect,
  following,
  liveAtTop,
  onFollowChange,
}: EventListProps): ReactNode {
  const { entries } = view;
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: entries.length,
    getScrollElement: () => scroller.current,
    estimateSize: rowHeight,
    overscan: 6,
    initialRect: { width: 0, height: UNMEASURED_HEIGHT },
    observeElementRect: observeListRect,
  });

  // following the live end, each update scrolls to it
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el || !following || entries.length === 0) return;
    el.scrollTop = liveAtTop ? 0 : el.scrollHeight;
  });

  const selectedIndex = selected === undefined ? -1 : entries.indexOf(selected);
  useEffect(() => {
    if (selectedIndex >= 0) virtualizer.scrollToIndex(selectedIndex, { align: 'auto' });
  }, [selectedIndex, virtualizer]);

  const onScroll = () => {
    const el = scroller.current;
    if (!el) return;
    const atLive = liveAtTop
      ? el.scrollTop <= ROW_HEIGHT
      : el.scrollTop + el.clientHeight >= el.scrollHeight - ROW_HEIGHT;
    if (atLive !== following) onFollowChange(atLive);
  };

  const onKey = (event: KeyboardEvent) => {
    if (entries.length === 0) return;
    const page = Math.max(1, Math.floor((scroller.current?.clientHeight ?? ROW_HEIGHT * 10) / ROW_HEIGHT) - 1);
    const at = selectedIndex;
    let next: number;
    switch (event.key) {
      case 'ArrowDown':
        next = at + 1;
        break;
      case 'ArrowUp':
        next = at < 0 ? 0 : at - 1;
        break;
      case 'PageDown':
        next = at + page;
        break;
      case 'PageUp':
        next = at - page;
        break;
      case 'Home':
        next = 0;
        break;
      case 'End':
        next = entries.length - 1;
        break;
      default:
        return;
    }
    event.preventDefault();
    const entry = entries[Math.min(entries.length - 1, Math.max(0, next))];
    if (entry) onSelect(entry);
  };

  // Following the live end, the virtualiser is told the offset the layout effect will scroll to,
  // so it draws the rows of the end now instead of drawing again after the scroll event.
  if (following && entries.length > 0) {
    const viewport = virtualizer.scrollRect?.height ?? UNMEASURED_HEIGHT;
    virtualizer.scrollOffset = liveAtTop ? 0 : Math.max(0, virtualizer.getTotalSize() - viewport);
  }
  const items = virtualizer.getVirtualItems();
  const activeId = selectedIndex >= 0 ? `isotel-event-${selected?.seq}` : undefined;
  const activeDrawn = items.some((item) => item.index === selectedIndex);
  return (
    <div
      ref={scroller}
      className="list"
      role="listbox"
      aria-label="Events"
      tabIndex={0}
      aria-activedescendant={activeDrawn ? activeId : undefined}
      onScroll={onScroll}
      onKeyDown={onKey}
    >
      <div className="spacer" style={{ height: virtualizer.getTotalSize() }}>
        {items.map((item) => {
          const entry = entries[item.index] as EventEntry;
          const failed = isErrorName(entry.name);
          return (
            // options are chosen through the listbox (aria-activedescendant), which has the focus and the keys
            // biome-ignore lint/a11y/useFocusableInteractive: see above
            // biome-ignore lint/a11y/useKeyWithClickEvents: see above
            <div
              key={item.key}
              id={`isotel-event-${entry.seq}`}
              role="option"
              aria-selected={entry === selected}
              aria-setsize={entries.length}
              aria-posinset={item.index + 1}
              data-seq={entry.seq}
              className={`row${item.index % 2 === 1 ? ' alt' : ''}${failed ? ' failed' : ''}`}
              style={{ transform: `translateY(${item.start}px)` }}
              onClick={() => onSelect(entry)}
            >
              {failed ? <span className="sr-only">Error: </span> : null}
              <span className="time">{formatTime(eventTime(entry))}</span>
              <span className="name">
                {failed ? (
                  <span className="mark" aria-hidden="true">
                    ●{' '}
                  </span>
                ) : null}
                {entry.name}
              </span>
              <span className="summary">{summarize(entry)}</span>
            </div>
          );
        })}
      </div>
    </div>
  );
}
