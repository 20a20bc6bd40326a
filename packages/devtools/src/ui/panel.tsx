import { type KeyboardEvent, type ReactNode, useEffect, useRef } from 'react';
import { TAB_IDS, type TabId } from '../engine/persisted-state.js';
import { ControlTab } from './control-tab.js';
import { useEngine } from './engine-context.js';
import { EventsTab } from './events/events-tab.js';
import { ExportersTab } from './exporters-tab.js';
import { HandlersTab } from './handlers-tab.js';
import { Logo } from './logo.js';
import { MetricsTab } from './metrics-tab.js';
import { Resizer } from './resizer.js';
import { SettingsMenu } from './settings-menu.js';
import { useEffectiveDock } from './use-effective-dock.js';

const LABELS: Record<TabId, string> = {
  events: 'Events',
  handlers: 'Handlers',
  control: 'Control',
  exporters: 'Exporters',
  metrics: 'Metrics',
};

function TabContent({ tab }: { tab: TabId }): ReactNode {
  switch (tab) {
    case 'events':
      return <EventsTab />;
    case 'handlers':
      return <HandlersTab />;
    case 'control':
      return <ControlTab />;
    case 'exporters':
      return <ExportersTab />;
    case 'metrics':
      return <MetricsTab />;
  }
}

/** The panel: header (tabs, stream status, settings, close), the selected tab, the resizer. */
export function Panel(): ReactNode {
  const engine = useEngine();
  const { tab, size } = engine.state;
  const dock = useEffectiveDock();
  const tabRefs = useRef(new Map<TabId, HTMLButtonElement>());
  const panelRef = useRef<HTMLElement>(null);

  // opened by the user (button, hotkey): the selected tab takes the keyboard focus
  const { focusRequest } = engine;
  useEffect(() => {
    if (focusRequest > 0) tabRefs.current.get(engine.state.tab)?.focus();
  }, [focusRequest, engine]);

  // docked, the open panel must not cover the end of the page: the page gets room beside it
  const floating = !engine.inline;
  useEffect(() => {
    if (!floating) return;
    const style = (globalThis as { document?: Document }).document?.documentElement.style;
    if (!style) return;
    const property = `padding-${dock}`;
    const before = style.getPropertyValue(property);
    style.setProperty(property, `${size}px`);
    return () => {
      if (before) style.setProperty(property, before);
      else style.removeProperty(property);
    };
  }, [floating, dock, size]);

  const onTabKey = (event: KeyboardEvent) => {
    const at = TAB_IDS.indexOf(tab);
    let next: number;
    if (event.key === 'ArrowRight') next = (at + 1) % TAB_IDS.length;
    else if (event.key === 'ArrowLeft') next = (at - 1 + TAB_IDS.length) % TAB_IDS.length;
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = TAB_IDS.length - 1;
    else return;
    event.preventDefault();
    const id = TAB_IDS[next] as TabId;
    engine.selectTab(id);
    tabRefs.current.get(id)?.focus();
  };

  const close = () => {
    // closing while the focus is inside gives it back to the toggle button, not to the page's body
    const root = panelRef.current?.getRootNode() as ShadowRoot | undefined;
    engine.returnFocus = root?.activeElement != null && panelRef.current?.contains(root.activeElement) === true;
    engine.setOpen(false, true);
  };

  return (
    <section
      ref={panelRef}
      className="panel"
      aria-label="isotel devtools"
      style={floating ? (dock === 'left' || dock === 'right' ? { width: size } : { height: size }) : undefined}
      onKeyDown={(event) => {
        // Esc closes the panel while the focus is inside it; a part that uses Esc itself
        // (a menu, a pending action) calls preventDefault
        if (event.key !== 'Escape' || event.nativeEvent.defaultPrevented || engine.inline) return;
        event.preventDefault();
        close();
      }}
    >
      {floating ? <Resizer /> : null}
      <div className="header">
        <span className="brand">
          <Logo size={16} />
          <span>isotel</span>
        </span>
        <div className="tablist" role="tablist" aria-label="isotel devtools tabs" onKeyDown={onTabKey}>
          {TAB_IDS.map((id) => (
            <button
              key={id}
              ref={(el) => {
                if (el) tabRefs.current.set(id, el);
                else tabRefs.current.delete(id);
              }}
              type="button"
              role="tab"
              className="tab"
              id={`isotel-tab-${id}`}
              aria-controls={`isotel-panel-${id}`}
              aria-selected={id === tab}
              tabIndex={id === tab ? 0 : -1}
              onClick={() => engine.selectTab(id)}
            >
              {LABELS[id]}
            </button>
          ))}
        </div>
        <StreamStatus />
        <span className="source" title={engine.backend.label}>
          {engine.backend.label}
        </span>
        <SettingsMenu />
        {floating ? (
          <button
            type="button"
            className="icon"
            aria-label="Close isotel devtools"
            title={`Close (Esc, ${engine.hotkeyLabel})`}
            onClick={close}
          >
            ×
          </button>
        ) : null}
      </div>
      <div className="tabpanel" role="tabpanel" id={`isotel-panel-${tab}`} aria-labelledby={`isotel-tab-${tab}`}>
        <TabContent tab={tab} />
      </div>
    </section>
  );
}

function StreamStatus(): ReactNode {
  const engine = useEngine();
  const status = engine.streamStatus;
  return (
    <>
      <span className="error" role="status">
        {status?.message ?? ''}
      </span>
      {status && !status.retrying ? (
        <button type="button" onClick={() => engine.reconnect()}>
          Reconnect
        </button>
      ) : null}
    </>
  );
}
