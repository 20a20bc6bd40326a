import { createTelemetry, type Telemetry } from '@isotel/core';
import { act, cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Activity, StrictMode, useInsertionEffect, useLayoutEffect, useState } from 'react';
import { hydrateRoot } from 'react-dom/client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TelemetryProvider } from '../provider.js';
import { useMountSpan } from '../span/use-mount-span.js';
import { useTelemetryHandler } from './use-telemetry-handler.js';

function LastPayment() {
  const [label, setLabel] = useState('none');
  const [prefix, setPrefix] = useState('paid');
  // An inline handler that closes over render state: it must see the latest prefix.
  useTelemetryHandler('checkout.payment.*', (name, m) => setLabel(`${prefix} ${name} ${m.amount}`));
  return (
    <section>
      <output aria-label="last payment">{label}</output>
      <button type="button" onClick={() => setPrefix('settled')}>
        rename
      </button>
    </section>
  );
}

function renderIn(t: Telemetry, ui: React.ReactNode, strict = false) {
  const tree = <TelemetryProvider telemetry={t}>{ui}</TelemetryProvider>;
  return render(strict ? <StrictMode>{tree}</StrictMode> : tree);
}

afterEach(cleanup);

describe('useTelemetryHandler', () => {
  it('receives events while mounted and is detached on unmount', () => {
    const t = createTelemetry();
    const view = renderIn(t, <LastPayment />);
    expect(t.listHandlers('checkout.payment')).toHaveLength(1);
    act(() => t.emit('checkout.payment.stop', { amount: 12 }));
    expect(screen.getByLabelText('last payment').textContent).toBe('paid checkout.payment.stop 12');
    view.unmount();
    expect(t.listHandlers()).toHaveLength(0);
  });

  it('calls the latest handler without re-attaching on re-render', async () => {
    const t = createTelemetry();
    renderIn(t, <LastPayment />);
    const [before] = t.listHandlers();
    await userEvent.click(screen.getByRole('button', { name: 'rename' }));
    act(() => t.emit('checkout.payment.stop', { amount: 7 }));
    expect(screen.getByLabelText('last payment').textContent).toBe('settled checkout.payment.stop 7');
    const [after] = t.listHandlers();
    expect(after?.id).toBe(before?.id);
    expect(after?.calls).toBe(1);
  });

  it('leaves exactly one handler under StrictMode and delivers each event once', () => {
    const t = createTelemetry();
    let calls = 0;
    function Counter() {
      useTelemetryHandler('cart.add', () => {
        calls++;
      });
      return null;
    }
    const view = renderIn(t, <Counter />, true);
    expect(t.listHandlers()).toHaveLength(1);
    t.emit('cart.add', { count: 1 });
    expect(calls).toBe(1);
    view.unmount();
    expect(t.listHandlers()).toHaveLength(0);
  });

  it('gives every hook instance its own id', () => {
    const t = createTelemetry();
    function Listener() {
      useTelemetryHandler(['a.b', 'c.**'], () => {});
      return null;
    }
    renderIn(
      t,
      <>
        <Listener />
        <Listener />
      </>,
    );
    // A second root on the same bus must not collide with the first one's ids.
    renderIn(t, <Listener />);
    const ids = t.listHandlers().map((h) => h.id);
    expect(ids).toHaveLength(3);
    expect(new Set(ids).size).toBe(3);
    expect(t.listHandlers()[0]?.patterns).toEqual(['a.b', 'c.**']);
  });

  it('re-attaches when the pattern changes, not when an equal array is passed again', () => {
    const t = createTelemetry();
    function Listener({ pattern }: { pattern: string }) {
      useTelemetryHandler([pattern, 'x.y'], () => {});
      return null;
    }
    const view = renderIn(t, <Listener pattern="a.b" />);
    const first = t.listHandlers()[0]?.id;
    view.rerender(
      <TelemetryProvider telemetry={t}>
        <Listener pattern="a.b" />
      </TelemetryProvider>,
    );
    expect(t.listHandlers()[0]?.id).toBe(first);
    view.rerender(
      <TelemetryProvider telemetry={t}>
        <Listener pattern="a.c" />
      </TelemetryProvider>,
    );
    expect(t.listHandlers()).toHaveLength(1);
    expect(t.listHandlers()[0]?.patterns).toEqual(['a.c', 'x.y']);
  });

  it('gives each copy of the package its own ids on one bus', async () => {
    const t = createTelemetry();
    // two fresh evaluations of the module stand in for two copies of @isotel/react
    const load = async () => {
      vi.resetModules();
      return (await import('./use-telemetry-handler.js')).useTelemetryHandler;
    };
    const copies = [await load(), await load()];
    // hydrated roots of the same shape get the same useId, so only the copies tell them apart
    const roots = copies.map((useCopy) => {
      function Listener() {
        useCopy('a.b', () => {}, { telemetry: t });
        return null;
      }
      return hydrateRoot(document.createElement('div'), <Listener />);
    });
    await act(async () => {});
    const ids = t.listHandlers().map((h) => h.id);
    expect(ids).toHaveLength(2);
    expect(new Set(ids).size).toBe(2);
    act(() => {
      for (const root of roots) root.unmount();
    });
    expect(t.listHandlers()).toHaveLength(0);
  });

  it('receives what the rest of its mounting commit emits in effects that run before its own', () => {
    const t = createTelemetry();
    const names: string[] = [];
    function Cart() {
      useMountSpan('cart.view');
      return null;
    }
    function Child() {
      useLayoutEffect(() => t.emit('cart.child.layout'), []);
      return null;
    }
    function Later() {
      useInsertionEffect(() => t.emit('cart.later.insertion'), []);
      return null;
    }
    function Listener() {
      useTelemetryHandler('cart.**', (name) => names.push(name));
      return <Child />;
    }
    renderIn(
      t,
      <>
        <Cart />
        <Listener />
        <Later />
      </>,
    );
    // React runs every insertion effect of a commit before any layout effect, and the layout
    // effects of children and earlier siblings before the listener's own
    expect(names).toEqual(['cart.later.insertion', 'cart.view.start', 'cart.child.layout']);
  });

  it('keeps one handler through StrictMode mount and unmount cycles, none after, and calls nothing after unmount', () => {
    const t = createTelemetry();
    let calls = 0;
    function Listener() {
      useTelemetryHandler(['a.*', 'b.*'], () => {
        calls++;
      });
      return null;
    }
    let setShown: (shown: boolean) => void = () => {};
    function Toggle() {
      const [shown, set] = useState(true);
      setShown = set;
      return shown ? <Listener /> : null;
    }
    renderIn(t, <Toggle />, true);
    for (let i = 0; i < 3; i++) {
      expect(t.listHandlers()).toHaveLength(1);
      t.emit('a.x');
      act(() => setShown(false));
      expect(t.listHandlers()).toHaveLength(0);
      t.emit('a.x');
      act(() => setShown(true));
    }
    expect(calls).toBe(3);
    cleanup();
    expect(t.listHandlers()).toHaveLength(0);
  });

  it('keeps listening, with the same handler id, while an Activity hides it', async () => {
    const t = createTelemetry();
    const seen: string[] = [];
    let setVisible: (visible: boolean) => void = () => {};
    function Listener() {
      const [label] = useState('tab');
      useTelemetryHandler('tab.*', (name) => seen.push(`${label} ${name}`));
      return null;
    }
    function Tabs() {
      const [visible, set] = useState(true);
      setVisible = set;
      return (
        <Activity mode={visible ? 'visible' : 'hidden'}>
          <Listener />
        </Activity>
      );
    }
    const view = renderIn(t, <Tabs />, true);
    const [attached] = t.listHandlers();
    await act(async () => setVisible(false));
    t.emit('tab.hidden');
    expect(t.listHandlers().map((h) => h.id)).toEqual([attached?.id]);
    await act(async () => setVisible(true));
    t.emit('tab.shown');
    expect(t.listHandlers().map((h) => h.id)).toEqual([attached?.id]);
    view.unmount();
    t.emit('tab.gone');
    expect(seen).toEqual(['tab tab.hidden', 'tab tab.shown']);
    expect(t.listHandlers()).toHaveLength(0);
  });
});
