import { useQuery } from '@tanstack/react-query';
import { memo, type ReactNode, useCallback, useContext, useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { DevtoolsEngine } from '../../engine/devtools-engine.js';
import type { EventSort } from '../../engine/persisted-state.js';
import type { EventEntry } from '../../engine/ring-buffer.js';
import { EngineContext, useEngine, useStreamTransition } from '../engine-context.js';
import { Switch } from '../switch.js';
import { EventDetail } from './event-detail.js';
import { EventList } from './event-list.js';
import { EventView } from './event-view.js';
import { idOf } from './span-groups.js';
import { SpanWaterfall } from './span-waterfall.js';

const ringTotal = (engine: DevtoolsEngine): number => engine.ring.total;

/** Free-text filtering waits for typing to pause this long, in ms. */
export const TEXT_DEBOUNCE_MS = 150;

const SORT_LABELS: Record<EventSort, string> = {
  time: 'Oldest first',
  'time-desc': 'Newest first',
  name: 'Name',
  duration: 'Longest first',
};

/** The live event stream: filters, pause/clear, sort, the list or the span waterfall, the detail. */
export function EventsTab(): ReactNode {
  const engine = useEngine();
  const { ring, state } = engine;
  // redrawn on each render tick of the stream that brought events
  useStreamTransition(ringTotal);
  const view = useRef<EventView | null>(null);
  view.current ??= new EventView();
  const v = view.current;
  const [selected, setSelected] = useState<EventEntry | undefined>(undefined);
  const [text, setText] = useState(state.text);
  const [following, setFollowing] = useState(true);

  // the text filter applies once typing pauses
  useEffect(() => {
    if (text === state.text) return;
    const timer = setTimeout(() => engine.update({ text }), TEXT_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [text, state.text, engine]);

  const control = useQuery({
    queryKey: ['isotel', engine.sourceKey, 'control'],
    queryFn: () => engine.backend.control(),
    refetchInterval: 2000,
  });

  // each commit reports its cost to the engine's throttle
  useLayoutEffect(() => engine.streamRendered());

  v.configure({ pattern: state.pattern, text: state.text, hideInternal: state.hideInternal, sort: state.sort });
  v.following = following;
  const entries = v.update(ring);
  const liveAtTop = state.sort === 'time-desc';

  const clear = useCallback(() => {
    engine.clear();
    v.reset();
    setFollowing(true);
    setSelected(undefined);
  }, [engine, v]);
  const showSpan = (spanId: string): boolean => {
    for (let seq = ring.firstSeq; seq < ring.total; seq++) {
      const entry = ring.get(seq);
      if (entry && idOf(entry, 'spanId') === spanId) {
        setSelected(entry);
        return true;
      }
    }
    return false;
  };
  const held = selected !== undefined && selected.seq >= ring.firstSeq && ring.size > 0;

  return (
    <div className={`events${selected ? ' with-detail' : ''}`}>
      <div className="toolbar">
        <EventsToolbar
          paused={state.paused}
          pattern={state.pattern}
          patternError={v.filter.patternError}
          text={text}
          setText={setText}
          sort={state.sort}
          groupBySpans={state.groupBySpans}
          hideInternal={state.hideInternal}
          clear={clear}
        />
        <span className="count">
          {entries.length} shown · {ring.size} buffered · {ring.total} seen
        </span>
        {v.filter.patternError !== undefined ? (
          <span className="error" role="alert" id="isotel-pattern-error">
            {v.filter.patternError}
          </span>
        ) : null}
      </div>
      <div className={`split${selected ? ' with-detail' : ''}`}>
        <div className="stream">
          {state.paused ? (
            <p className="banner" role="status">
              Paused: new events are not recorded. Press Resume to record again.
            </p>
          ) : control.data?.enabled === false ? (
            <p className="banner" role="status">
              The bus is disabled (Control tab): nothing is emitted.
            </p>
          ) : null}
          {entries.length === 0 ? (
            <EmptyEvents filtered={ring.size > 0} cleared={engine.cleared} hotkey={engine.hotkeyLabel} />
          ) : state.groupBySpans ? (
            <SpanWaterfall view={v} tick={ring.total} selected={selected} onSelect={setSelected} />
          ) : (
            <EventList
              view={v}
              tick={ring.total}
              selected={selected}
              onSelect={setSelected}
              following={following}
              liveAtTop={liveAtTop}
              onFollowChange={(next) => {
                if (next) v.follow(ring);
                setFollowing(next);
              }}
            />
          )}
          {!following && v.pendingCount > 0 && !state.groupBySpans ? (
            <button
              type="button"
              className="pill"
              onClick={() => {
                v.follow(ring);
                setFollowing(true);
              }}
            >
              {v.pendingCount} new
            </button>
          ) : null}
        </div>
        {selected ? (
          <EventDetail entry={selected} held={held} onClose={() => setSelected(undefined)} onShowSpan={showSpan} />
        ) : null}
      </div>
    </div>
  );
}

function EmptyEvents({
  filtered,
  cleared,
  hotkey,
}: {
  readonly filtered: boolean;
  readonly cleared: boolean;
  readonly hotkey: string;
}): ReactNode {
  if (filtered) {
    return (
      <p className="empty">
        No event matches the filter, the pattern or the hidden internal events. Loosen them to see the events the buffer
        holds.
      </p>
    );
  }
  if (cleared) return <p className="empty">Cleared. New events appear here as they are emitted.</p>;
  return (
    <p className="empty">
      No events yet. Use the app: every event emitted on the bus appears here (toggle the panel with <kbd>{hotkey}</kbd>
      ).
    </p>
  );
}

interface ToolbarProps {
  readonly paused: boolean;
  readonly pattern: string;
  readonly patternError: string | undefined;
  readonly text: string;
  readonly setText: (text: string) => void;
  readonly sort: EventSort;
  readonly groupBySpans: boolean;
  readonly hideInternal: boolean;
  readonly clear: () => void;
}

// The controls of the Events tab: their props change with the user's actions only, so the
// stream's render ticks skip them.
const EventsToolbar = memo(function EventsToolbar({
  paused,
  pattern,
  patternError,
  text,
  setText,
  sort,
  groupBySpans,
  hideInternal,
  clear,
}: ToolbarProps): ReactNode {
  const engine = useContext(EngineContext) as DevtoolsEngine;
  return (
    <>
      <button type="button" aria-pressed={paused} onClick={() => engine.update({ paused: !paused })}>
        {paused ? 'Resume' : 'Pause'}
      </button>
      <button type="button" onClick={clear}>
        Clear
      </button>
      <input
        type="text"
        className="filter"
        aria-label="Filter"
        placeholder="Filter: text in name, values"
        spellCheck={false}
        value={text}
        onChange={(event) => setText(event.target.value)}
      />
      <input
        type="text"
        className="pattern"
        aria-label="Pattern"
        aria-invalid={patternError !== undefined}
        aria-describedby={patternError !== undefined ? 'isotel-pattern-error' : undefined}
        placeholder="pattern, e.g. shop.**"
        spellCheck={false}
        value={pattern}
        onChange={(event) => engine.update({ pattern: event.target.value })}
      />
      <button
        type="button"
        title="Change the order of the list"
        onClick={() => {
          const sorts = Object.keys(SORT_LABELS) as EventSort[];
          engine.update({ sort: sorts[(sorts.indexOf(sort) + 1) % sorts.length] as EventSort });
        }}
      >
        Sort: {SORT_LABELS[sort]}
      </button>
      <Switch checked={groupBySpans} onChange={(groupBySpans) => engine.update({ groupBySpans })}>
        Group by span
      </Switch>
      <Switch checked={hideInternal} onChange={(hideInternal) => engine.update({ hideInternal })}>
        Hide internal events
      </Switch>
    </>
  );
});
