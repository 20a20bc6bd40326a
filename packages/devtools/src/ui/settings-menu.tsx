import { type KeyboardEvent, type ReactNode, useEffect, useId, useRef, useState } from 'react';
import type { DevtoolsTheme } from '../engine/options.js';
import { type DevtoolsDock, DOCKS } from '../engine/persisted-state.js';
import { useEngine } from './engine-context.js';

const THEMES: readonly [DevtoolsTheme, string][] = [
  ['light', 'Light'],
  ['dark', 'Dark'],
  ['system', 'System'],
];
const DOCK_LABELS: Record<DevtoolsDock, string> = { bottom: 'Bottom', top: 'Top', left: 'Left', right: 'Right' };

/**
 * The "Settings" menu button: theme (Light, Dark, System) and, for the floating panel, the side
 * it is docked to. Choices are menu item radios, remembered across reloads.
 */
export function SettingsMenu(): ReactNode {
  const engine = useEngine();
  const [open, setOpen] = useState(false);
  const menuId = useId();
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);
  const theme = engine.effectiveTheme;

  useEffect(() => {
    if (open) menu.current?.querySelector<HTMLElement>('[aria-checked="true"]')?.focus();
  }, [open]);

  const close = (refocus: boolean) => {
    setOpen(false);
    if (refocus) button.current?.focus();
  };
  const onMenuKey = (event: KeyboardEvent) => {
    const items = [...(menu.current?.querySelectorAll<HTMLElement>('[role="menuitemradio"]') ?? [])];
    const root = menu.current?.getRootNode() as ShadowRoot | Document | undefined;
    const at = items.indexOf(root?.activeElement as HTMLElement);
    let next: number | undefined;
    if (event.key === 'ArrowDown') next = (at + 1) % items.length;
    else if (event.key === 'ArrowUp') next = (at - 1 + items.length) % items.length;
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = items.length - 1;
    else if (event.key === 'Escape') {
      event.preventDefault();
      close(true);
      return;
    } else if (event.key === 'Tab') {
      close(false);
      return;
    }
    if (next === undefined) return;
    event.preventDefault();
    items[next]?.focus();
  };

  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: closes the menu when the focus leaves it, no interaction of its own
    <div
      className="settings"
      onBlur={(event) => {
        if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setOpen(false);
      }}
    >
      <button
        ref={button}
        type="button"
        className="icon"
        aria-label="Settings"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        title="Settings"
        onClick={() => setOpen(!open)}
      >
        ⚙
      </button>
      {open ? (
        <div ref={menu} className="menu" role="menu" id={menuId} aria-label="Settings" onKeyDown={onMenuKey}>
          {/* biome-ignore lint/a11y/useSemanticElements: a menu's groups are role=group (a fieldset is not allowed in a menu) */}
          <div role="group" aria-label="Theme">
            <div className="menu-title" aria-hidden="true">
              Theme
            </div>
            {THEMES.map(([value, label]) => (
              <button
                key={value}
                type="button"
                role="menuitemradio"
                aria-checked={theme === value}
                tabIndex={-1}
                onClick={() => engine.update({ theme: value })}
              >
                {label}
              </button>
            ))}
          </div>
          {engine.inline ? null : (
            // biome-ignore lint/a11y/useSemanticElements: a menu's groups are role=group (a fieldset is not allowed in a menu)
            <div role="group" aria-label="Dock">
              <div className="menu-title" aria-hidden="true">
                Dock
              </div>
              {DOCKS.map((dock) => (
                <button
                  key={dock}
                  type="button"
                  role="menuitemradio"
                  aria-checked={engine.state.dock === dock}
                  tabIndex={-1}
                  onClick={() => engine.update({ dock })}
                >
                  {DOCK_LABELS[dock]}
                </button>
              ))}
            </div>
          )}
          <p className="menu-hint">
            Shortcut: <kbd>{engine.hotkeyLabel}</kbd>
          </p>
        </div>
      ) : null}
    </div>
  );
}
