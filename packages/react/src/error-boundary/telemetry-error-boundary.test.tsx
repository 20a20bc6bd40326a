import { createTelemetry } from '@isotel/core';
import { captureEvents } from '@isotel/core/testing';
import { act, cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { StrictMode, useState } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TelemetryProvider } from '../provider.js';
import { TelemetryErrorBoundary } from './telemetry-error-boundary.js';

afterEach(cleanup);
// React reports caught errors on console.error; keep the test output readable.
beforeEach(() => {
  vi.spyOn(console, 'error').mockImplementation(() => {});
  return () => vi.restoreAllMocks();
});

let broken = true;

function Cart() {
  if (broken) throw new Error('cart exploded');
  return <p>cart ok</p>;
}

describe('TelemetryErrorBoundary', () => {
  it('emits react.error with the error and component stack and renders the fallback', () => {
    broken = true;
    const t = createTelemetry();
    const capture = captureEvents(t, 'react.error');
    const onError = vi.fn();
    render(
      <TelemetryProvider telemetry={t}>
        <TelemetryErrorBoundary name="cart" fallback={<p role="alert">Something went wrong</p>} onError={onError}>
          <Cart />
        </TelemetryErrorBoundary>
      </TelemetryProvider>,
    );
    expect(screen.getByRole('alert').textContent).toBe('Something went wrong');
    expect(capture.events).toHaveLength(1);
    const [event] = capture.events;
    expect(event?.measurements).toEqual({ count: 1 });
    expect(event?.metadata.boundary).toBe('cart');
    expect((event?.metadata.error as Error | undefined)?.message).toBe('cart exploded');
    expect(event?.metadata.componentStack).toContain('Cart');
    expect(onError).toHaveBeenCalledTimes(1);
  });

  it('renders the children again after reset from the fallback', async () => {
    broken = true;
    const t = createTelemetry();
    const onReset = vi.fn();
    render(
      <TelemetryErrorBoundary
        telemetry={t}
        onReset={onReset}
        fallback={({ reset, error }) => (
          <button type="button" onClick={reset}>
            retry after {(error as Error).message}
          </button>
        )}
      >
        <Cart />
      </TelemetryErrorBoundary>,
    );
    broken = false;
    await userEvent.click(screen.getByRole('button', { name: 'retry after cart exploded' }));
    expect(screen.getByText('cart ok')).toBeTruthy();
    expect(onReset).toHaveBeenCalledTimes(1);
  });

  it('resets when a reset key changes', async () => {
    broken = true;
    const t = createTelemetry();
    function Page() {
      const [route, setRoute] = useState('/cart');
      return (
        <>
          <button type="button" onClick={() => setRoute('/home')}>
            go home
          </button>
          <TelemetryErrorBoundary telemetry={t} resetKeys={[route]} fallback={<p role="alert">failed</p>}>
            <Cart />
          </TelemetryErrorBoundary>
        </>
      );
    }
    render(<Page />);
    expect(screen.getByRole('alert')).toBeTruthy();
    broken = false;
    await userEvent.click(screen.getByRole('button', { name: 'go home' }));
    expect(screen.getByText('cart ok')).toBeTruthy();
  });

  it('emits one react.error per caught error under StrictMode', () => {
    broken = true;
    const t = createTelemetry();
    const capture = captureEvents(t, 'react.error');
    render(
      <StrictMode>
        <TelemetryErrorBoundary telemetry={t} fallback={<p role="alert">failed</p>}>
          <Cart />
        </TelemetryErrorBoundary>
      </StrictMode>,
    );
    expect(screen.getByRole('alert')).toBeTruthy();
    expect(capture.events).toHaveLength(1);
  });

  it('reports a crash that a reset key change causes once, and keeps the fallback', () => {
    const t = createTelemetry();
    const capture = captureEvents(t, 'react.error');
    const onReset = vi.fn();
    let renders = 0;
    function Route({ path }: { path: string }) {
      renders++;
      if (path === '/bad') throw new Error(`no route ${path}`);
      return <p>{path}</p>;
    }
    let go: (path: string) => void = () => {};
    function Router() {
      const [path, setPath] = useState('/ok');
      go = setPath;
      return (
        <TelemetryErrorBoundary
          telemetry={t}
          resetKeys={[path]}
          onReset={onReset}
          fallback={<p role="alert">failed</p>}
        >
          <Route path={path} />
        </TelemetryErrorBoundary>
      );
    }
    render(<Router />);
    act(() => go('/bad'));
    expect(screen.getByRole('alert').textContent).toBe('failed');
    expect(capture.events).toHaveLength(1);
    expect(onReset).not.toHaveBeenCalled();
    const rendersAfterCrash = renders;
    // the next key change resets the fallback that is now shown
    act(() => go('/ok'));
    expect(screen.getByText('/ok')).toBeTruthy();
    expect(onReset).toHaveBeenCalledTimes(1);
    expect(renders).toBe(rendersAfterCrash + 1);
    expect(capture.events).toHaveLength(1);
  });
});
