import { type KeyboardEvent, type PointerEvent, type ReactNode, useRef } from 'react';
import { MIN_SIZE } from '../engine/persisted-state.js';
import { useEngine } from './engine-context.js';
import { useEffectiveDock } from './use-effective-dock.js';

const STEP = 20;

function maxSize(vertical: boolean): number {
  const g = globalThis as { innerHeight?: number; innerWidth?: number };
  const viewport = (vertical ? g.innerHeight : g.innerWidth) ?? 800;
  return Math.max(MIN_SIZE, viewport - 40);
}

/**
 * The separator on the panel's inner edge: drag it (its hit area is wider than the line), or
 * focus it and use the arrow keys, Home and End.
 */
export function Resizer(): ReactNode {
  const engine = useEngine();
  const { size } = engine.state;
  const dock = useEffectiveDock();
  const vertical = dock === 'top' || dock === 'bottom';
  const max = maxSize(vertical);
  const drag = useRef<{ start: number; size: number } | null>(null);
  const clamp = (n: number) => Math.round(Math.min(max, Math.max(MIN_SIZE, n)));
  // growing the panel moves the separator away from the docked side
  const sign = dock === 'bottom' || dock === 'right' ? -1 : 1;

  const onKey = (event: KeyboardEvent) => {
    const grow = vertical
      ? dock === 'bottom'
        ? 'ArrowUp'
        : 'ArrowDown'
      : dock === 'right'
        ? 'ArrowLeft'
        : 'ArrowRight';
    const shrink = vertical
      ? dock === 'bottom'
        ? 'ArrowDown'
        : 'ArrowUp'
      : dock === 'right'
        ? 'ArrowRight'
        : 'ArrowLeft';
    let next: number | undefined;
    if (event.key === grow) next = size + STEP;
    else if (event.key === shrink) next = size - STEP;
    else if (event.key === 'Home') next = MIN_SIZE;
    else if (event.key === 'End') next = max;
    if (next === undefined) return;
    event.preventDefault();
    engine.update({ size: clamp(next) });
  };
  const position = (event: PointerEvent) => (vertical ? event.clientY : event.clientX);

  return (
    // biome-ignore lint/a11y/useSemanticElements: a focusable splitter is a separator with a value; <hr> cannot take focus
    <div
      className="resizer"
      role="separator"
      aria-label="Resize isotel devtools"
      aria-orientation={vertical ? 'horizontal' : 'vertical'}
      aria-valuenow={size}
      aria-valuemin={MIN_SIZE}
      aria-valuemax={max}
      tabIndex={0}
      onKeyDown={onKey}
      onPointerDown={(event) => {
        event.currentTarget.setPointerCapture?.(event.pointerId);
        drag.current = { start: position(event), size };
      }}
      onPointerMove={(event) => {
        const d = drag.current;
        if (!d) return;
        engine.update({ size: clamp(d.size + sign * (position(event) - d.start)) });
      }}
      onPointerUp={() => {
        drag.current = null;
      }}
      onPointerCancel={() => {
        drag.current = null;
      }}
    />
  );
}
