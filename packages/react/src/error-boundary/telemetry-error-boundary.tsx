import { getDefaultTelemetry, type Telemetry } from '@isotel/core';
import { Component, type ErrorInfo, type ReactNode } from 'react';
import { TelemetryInstanceContext } from '../provider.js';

/** The event {@link TelemetryErrorBoundary} emits per caught error. */
export const REACT_ERROR_EVENT = 'react.error';

/** What a function `fallback` receives. */
export interface ErrorFallbackProps {
  /** What the subtree threw. */
  error: unknown;
  /** Renders the children again. */
  reset: () => void;
}

/** Props of {@link TelemetryErrorBoundary}. */
export interface TelemetryErrorBoundaryProps {
  /** Rendered instead of the children after an error; a function receives the error and `reset`. */
  fallback: ReactNode | ((props: ErrorFallbackProps) => ReactNode);
  /** Names the boundary; the events' `boundary` metadata. @default 'default' */
  name?: string;
  /** Called after the event is emitted, with React's component stack. @default undefined */
  onError?: (error: unknown, info: ErrorInfo) => void;
  /** Called when the boundary resets (by `reset` or a `resetKeys` change). @default undefined */
  onReset?: () => void;
  /**
   * When any value changes (Object.is) while the fallback shows, the boundary resets. A change
   * that itself causes the crash (the children throw for the new keys) does not: the fallback
   * stays until the next change. @default []
   */
  resetKeys?: readonly unknown[];
  /** The instance to emit on. @default the provider's instance */
  telemetry?: Telemetry;
  children?: ReactNode;
}

interface State {
  failed: boolean;
  error: unknown;
}

/**
 * Catches render errors of its subtree, emits `react.error` with `{ count: 1 }` and
 * `{ boundary, error, componentStack }`, and renders `fallback` until reset.
 *
 * @example
 * <TelemetryErrorBoundary name="cart" fallback={({ reset }) => <button onClick={reset}>Retry</button>}>
 *   <Cart />
 * </TelemetryErrorBoundary>
 */
export class TelemetryErrorBoundary extends Component<TelemetryErrorBoundaryProps, State> {
  static override contextType = TelemetryInstanceContext;
  declare context: Telemetry | null;
  override state: State = { failed: false, error: undefined };

  static getDerivedStateFromError(error: unknown): State {
    return { failed: true, error };
  }

  override componentDidCatch(error: unknown, info: ErrorInfo): void {
    const telemetry = this.props.telemetry ?? this.context ?? getDefaultTelemetry();
    telemetry.emit(
      REACT_ERROR_EVENT,
      { count: 1 },
      { boundary: this.props.name ?? 'default', error, componentStack: info.componentStack ?? '' },
    );
    this.props.onError?.(error, info);
  }

  override componentDidUpdate(previous: TelemetryErrorBoundaryProps, previousState: State): void {
    // Only a fallback that was already showing resets. When the update that changed the keys is
    // the one that crashed (a new route throws), resetting would render the children again and
    // report the same crash twice (react-error-boundary skips this update the same way).
    if (!this.state.failed || !previousState.failed) return;
    const before = previous.resetKeys ?? [];
    const now = this.props.resetKeys ?? [];
    if (before.length !== now.length || before.some((value, i) => !Object.is(value, now[i]))) this.reset();
  }

  /** Renders the children again. */
  readonly reset = (): void => {
    if (!this.state.failed) return;
    this.setState({ failed: false, error: undefined });
    this.props.onReset?.();
  };

  override render(): ReactNode {
    if (!this.state.failed) return this.props.children;
    const { fallback } = this.props;
    return typeof fallback === 'function' ? fallback({ error: this.state.error, reset: this.reset }) : fallback;
  }
}
