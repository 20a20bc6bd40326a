import { type ReactNode, useId, useLayoutEffect, useRef } from 'react';
import { useEngine, useStream } from './engine-context.js';
import { Logo } from './logo.js';

/**
 * The corner button: a logo, and a badge with the count of error events, which assistive tech
 * reads as the button's description ("Open isotel devtools", "2 errors").
 */
export function Toggle(): ReactNode {
  const engine = useEngine();
  const badgeId = useId();
  const errors = useStream((e) => e.errors);
  const label = `${errors} ${errors === 1 ? 'error' : 'errors'}`;
  const ref = useRef<HTMLButtonElement>(null);
  const { open } = engine.state;
  useLayoutEffect(() => {
    if (!open && engine.returnFocus) {
      engine.returnFocus = false;
      ref.current?.focus();
    }
  }, [open, engine]);
  if (open) return null;
  return (
    <button
      ref={ref}
      type="button"
      className="toggle"
      aria-label="Open isotel devtools"
      aria-expanded="false"
      aria-describedby={errors > 0 ? badgeId : undefined}
      title={`isotel devtools (${engine.hotkeyLabel})`}
      onClick={() => engine.setOpen(true, true)}
    >
      <Logo />
      {errors > 0 ? (
        <span className="badge" id={badgeId}>
          <span aria-hidden="true">{errors > 99 ? '99+' : errors}</span>
          <span className="sr-only">{label}</span>
        </span>
      ) : null}
    </button>
  );
}
