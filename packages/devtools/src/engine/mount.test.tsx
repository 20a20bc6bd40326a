import { createTelemetry } from '@isotel/core';
import { createAggregator, lastValue, summary } from '@isotel/core/metrics';
import { within } from '@testing-library/dom';
import { act, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mountDevtools } from '../production.js';
import { DEFAULT_STORAGE_KEY } from './persisted-state.js';
import { STREAM_RENDER_INTERVAL_MS } from './render-scheduler.js';
import { DEVTOOLS_Z_INDEX } from './styles.js';

/** Testing Library queries scoped to the panel inside a devtools host's shadow root. */
function panelQueries(container: ParentNode) {
  const root = container.querySelector('[data-isotel-devtools]')?.shadowRoot?.querySelector<HTMLElement>('.root');
  if (!root) throw new Error('no devtools shadow root');
  return Object.assign(within(root), { root });
}

/** Resolves once the panel has drawn what was emitted (a busy stream redraws at most every interval). */
function nextFrame(): Promise<void> {
  return act(
    () =>
      new Promise<void>((resolve) =>
        setTimeout(() => requestAnimationFrame(() => resolve()), STREAM_RENDER_INTERVAL_MS + 10),
      ),
  );
}

let container: HTMLElement;
const unmounts: (() => void)[] = [];
beforeEach(() => {
  localStorage.clear();
  container = document.createElement('div');
  document.body.appendChild(container);
});
afterEach(() => {
  for (const u of unmounts.splice(0)) u();
  container.remove();
  localStorage.clear();
});

function mount(options: Parameters<typeof mountDevtools>[1] = {}) {
  const t = options.telemetry ?? createTelemetry();
  const handle = mountDevtools(container, { telemetry: t, ...options });
  unmounts.push(() => handle.unmount());
  return { t, handle, ui: panelQueries(container) };
}

describe('the panel shell', () => {
  it('opens and closes with the hotkey, but not while the user types in a field', async () => {
    const { handle } = mount({ hotkey: 'Ctrl+Shift+E' });
    const user = userEvent.setup();
    await user.keyboard('{Control>}{Shift>}E{/Shift}{/Control}');
    expect(handle.isOpen).toBe(true);
    const input = document.createElement('input');
    container.appendChild(input);
    input.focus();
    await user.keyboard('{Control>}{Shift>}E{/Shift}{/Control}');
    expect(handle.isOpen).toBe(true);
    // Esc belongs to the page while the page has the focus, and to the panel while it has it
    input.blur();
    await user.keyboard('{Escape}');
    expect(handle.isOpen).toBe(true);
    panelQueries(container).getByRole('tab', { name: 'Events' }).focus();
    await user.keyboard('{Escape}');
    expect(handle.isOpen).toBe(false);
  });

  it('keeps the stored open/closed choice over initialIsOpen, with tab and size, across remounts', async () => {
    const first = mount({ initialIsOpen: true });
    expect(first.handle.isOpen).toBe(true);
    await userEvent.click(first.ui.getByRole('tab', { name: 'Handlers' }));
    const separator = first.ui.getByRole('separator', { name: 'Resize isotel devtools' });
    separator.focus();
    await userEvent.keyboard('{ArrowUp}{ArrowUp}');
    expect(separator.getAttribute('aria-valuenow')).toBe('360');
    await userEvent.click(first.ui.getByRole('button', { name: 'Close isotel devtools' }));
    first.handle.unmount();

    const second = mount({ initialIsOpen: true });
    expect(second.handle.isOpen).toBe(false);
    act(() => second.handle.open());
    expect(second.ui.getByRole('tab', { name: 'Handlers' }).getAttribute('aria-selected')).toBe('true');
    expect(second.ui.getByRole('separator').getAttribute('aria-valuenow')).toBe('360');
    expect(JSON.parse(localStorage.getItem(DEFAULT_STORAGE_KEY) ?? '{}')).toMatchObject({
      version: 1,
      tab: 'handlers',
    });
  });

  it('ignores a stored state of another version', () => {
    localStorage.setItem(DEFAULT_STORAGE_KEY, JSON.stringify({ version: 999, open: true }));
    expect(mount().handle.isOpen).toBe(false);
  });

  it('moves between tabs with the arrow keys and shows one tabpanel', async () => {
    const { ui } = mount({ initialIsOpen: true });
    ui.getByRole('tab', { name: 'Events' }).focus();
    await userEvent.keyboard('{ArrowRight}');
    const handlers = ui.getByRole('tab', { name: 'Handlers' });
    expect(handlers.getAttribute('aria-selected')).toBe('true');
    expect(ui.getByRole('tabpanel').getAttribute('aria-labelledby')).toBe(handlers.id);
  });

  it('puts its styles, theme and nonce inside its own shadow root', () => {
    const { ui, handle } = mount({ theme: 'dark', nonce: 'abc123' });
    const style = (ui.root.getRootNode() as ShadowRoot).querySelector('style');
    expect(style?.getAttribute('nonce')).toBe('abc123');
    expect(style?.textContent).toContain(`z-index: ${DEVTOOLS_Z_INDEX}`);
    expect(document.head.querySelector('style')).toBeNull();
    expect(ui.root.getAttribute('data-theme')).toBe('dark');
    act(() => handle.setTheme('light'));
    expect(ui.root.getAttribute('data-theme')).toBe('light');
  });

  it('rejects a bad hotkey or buffer size with a clear IsotelError', () => {
    expect(() => mountDevtools(container, { hotkey: 'Ctrl+Shift' })).toThrow(/Invalid hotkey "Ctrl\+Shift"/);
    expect(() => mountDevtools(container, { bufferSize: 0 })).toThrow(/bufferSize must be a positive integer/);
  });
});

describe('the Events tab', () => {
  it('pauses and resumes recording, and clears', async () => {
    const { t, ui } = mount({ initialIsOpen: true });
    act(() => t.emit('a.one'));
    await waitFor(() => expect(ui.getAllByRole('option')).toHaveLength(1));
    await userEvent.click(ui.getByRole('button', { name: 'Pause' }));
    act(() => t.emit('a.two'));
    await userEvent.click(ui.getByRole('button', { name: 'Resume' }));
    act(() => t.emit('a.three'));
    await waitFor(() => expect(ui.getAllByRole('option')).toHaveLength(2));
    expect(ui.getAllByRole('option').map((o) => o.querySelector('.name')?.textContent)).toEqual(['a.one', 'a.three']);
    await userEvent.click(ui.getByRole('button', { name: 'Clear' }));
    await nextFrame();
    expect(ui.queryAllByRole('option')).toHaveLength(0);
    expect(ui.getByText(/^Cleared\./)).toBeTruthy();
  });

  it('filters by pattern, shows an invalid pattern inline, and filters by text after typing stops', async () => {
    const { t, ui } = mount({ initialIsOpen: true });
    act(() => {
      t.emit('checkout.payment.stop', { duration: 3 }, { orderId: 'A-1' });
      t.emit('checkout.cart.add', { count: 1 }, { sku: 'B-2' });
      t.emit('search.query', { count: 1 }, { orderId: 'A-1' });
    });
    const names = () => ui.queryAllByRole('option').map((o) => o.querySelector('.name')?.textContent);
    await userEvent.type(ui.getByRole('textbox', { name: 'Pattern' }), 'checkout.**');
    await nextFrame();
    expect(names()).toEqual(['checkout.payment.stop', 'checkout.cart.add']);
    await userEvent.type(ui.getByRole('textbox', { name: 'Pattern' }), '..');
    await nextFrame();
    expect(ui.getByRole('alert').textContent).toMatch(/Invalid pattern/);
    await userEvent.type(ui.getByRole('textbox', { name: 'Pattern' }), '{Backspace}'.repeat(13));
    await nextFrame();
    expect(names()).toEqual(['checkout.payment.stop', 'checkout.cart.add', 'search.query']);
    await userEvent.type(ui.getByRole('textbox', { name: 'Filter' }), 'a-1');
    await new Promise((r) => setTimeout(r, 200));
    await nextFrame();
    expect(names()).toEqual(['checkout.payment.stop', 'search.query']);
  });

  it('keeps at most bufferSize events', async () => {
    const { t, ui } = mount({ initialIsOpen: true, bufferSize: 5 });
    act(() => {
      for (let i = 0; i < 12; i++) t.emit('tick', { i });
    });
    await waitFor(() => expect(ui.getByText(/5 shown · 5 buffered · 12 seen/)).toBeTruthy());
  });

  it('shows one event in detail with its span events and durations', async () => {
    const { t, ui } = mount({ initialIsOpen: true });
    act(() => {
      t.emit(
        'db.query.start',
        { monotonicTime: 100, systemTime: 1 },
        { spanId: 'sp1', correlationId: 'c-9', table: 'users' },
      );
      t.emit(
        'db.query.stop',
        { duration: 25, monotonicTime: 125 },
        { spanId: 'sp1', correlationId: 'c-9', table: 'users' },
      );
    });
    await waitFor(() => expect(ui.getAllByRole('option')).toHaveLength(2));
    await userEvent.click(ui.getAllByRole('option')[1] as HTMLElement);
    const detail = ui.getByRole('region', { name: 'Event detail' });
    expect(detail.textContent).toContain('c-9');
    expect(detail.textContent).toContain('"table": "users"');
    expect(detail.textContent).toContain('25.0 ms');
    // the start row summarises what the span is about, not its clock readings
    expect(ui.getAllByRole('option')[0]?.textContent).toContain('table=users');
    expect(ui.getAllByRole('option')[0]?.textContent).not.toContain('monotonicTime');
    await userEvent.click(ui.getByRole('switch', { name: 'Group by span' }));
    await nextFrame();
    expect(ui.getByRole('list', { name: 'Spans' }).textContent).toMatch(/db\.query\s*25\.0 ms\s*ok/);
  });
});

describe('the event list', () => {
  it('moves the selection with the arrows, Home/End and PageUp/PageDown', async () => {
    const { t, ui } = mount({ initialIsOpen: true });
    act(() => {
      for (let i = 0; i < 40; i++) t.emit(`tick.n${i}`, { i });
    });
    await waitFor(() => expect(ui.getByText(/40 shown/)).toBeTruthy());
    const list = ui.getByRole('listbox', { name: 'Events' });
    list.focus();
    const detailName = () => ui.getByRole('region', { name: 'Event detail' }).querySelector('h3')?.textContent;
    await userEvent.keyboard('{Home}');
    expect(detailName()).toBe('tick.n0');
    await userEvent.keyboard('{ArrowDown}{ArrowDown}');
    expect(detailName()).toBe('tick.n2');
    await userEvent.keyboard('{End}');
    expect(detailName()).toBe('tick.n39');
    await userEvent.keyboard('{PageUp}');
    expect(Number(detailName()?.slice('tick.n'.length))).toBeLessThan(39);
    await userEvent.keyboard('{PageDown}');
    expect(detailName()).toBe('tick.n39');
  });

  it('explains an empty list: nothing yet, no match, paused', async () => {
    const { t, ui } = mount({ initialIsOpen: true });
    expect(ui.getByText(/^No events yet/)).toBeTruthy();
    act(() => t.emit('shop.cart.add', { count: 1 }));
    await waitFor(() => expect(ui.getAllByRole('option')).toHaveLength(1));
    await userEvent.type(ui.getByRole('textbox', { name: 'Pattern' }), 'checkout.**');
    expect(ui.getByText(/^No event matches the filter/)).toBeTruthy();
    await userEvent.click(ui.getByRole('button', { name: 'Pause' }));
    expect(ui.getByText(/^Paused: new events are not recorded/)).toBeTruthy();
  });
});

describe('the inline panel', () => {
  it('IsotelDevtoolsPanel draws the panel in place, open, without a toggle or a close button', async () => {
    const { render } = await import('@testing-library/react');
    const { IsotelDevtoolsPanel } = await import('../production.js');
    const t = createTelemetry();
    const { container, unmount } = render(<IsotelDevtoolsPanel telemetry={t} />);
    unmounts.push(unmount);
    const ui = panelQueries(container);
    expect(ui.getByRole('region', { name: 'isotel devtools' })).toBeTruthy();
    expect(ui.queryByRole('button', { name: 'Open isotel devtools' })).toBeNull();
    expect(ui.queryByRole('button', { name: 'Close isotel devtools' })).toBeNull();
    await userEvent.click(ui.getByRole('button', { name: 'Settings' }));
    expect(ui.getByRole('menuitemradio', { name: 'System' }).getAttribute('aria-checked')).toBe('true');
    // docking belongs to the floating panel
    expect(ui.queryByRole('menuitemradio', { name: 'Left' })).toBeNull();
  });
});

describe('the Exporters tab', () => {
  it('shows health, and a last error only while the exporter is not healthy', async () => {
    let breaker = 'open';
    const exporter = {
      name: 'collector',
      stats: () => ({ queued: 2, sent: 5, breaker, lastError: 'HTTP 503' }),
    };
    const { ui } = mount({ initialIsOpen: true, exporters: [exporter] });
    await userEvent.click(ui.getByRole('tab', { name: 'Exporters' }));
    const card = await ui.findByRole('region', { name: 'collector' });
    await waitFor(() => expect(card.textContent).toContain('failing'));
    expect(card.textContent).toContain('HTTP 503');
    breaker = 'closed';
    await waitFor(() => expect(card.textContent).toContain('healthy'), { timeout: 3000 });
    expect(card.textContent).not.toContain('HTTP 503');
  });
});

describe('the Handlers tab', () => {
  it('lists handlers with their counters; Undo keeps one, leaving the tab carries out its detach', async () => {
    const t = createTelemetry();
    t.attach(
      'app.audit',
      'orders.**',
      () => {
        throw new Error('audit store down');
      },
      { onFailure: 'keep' },
    );
    t.emit('orders.created');
    const { ui } = mount({ telemetry: t, initialIsOpen: true });
    await userEvent.click(ui.getByRole('tab', { name: 'Handlers' }));
    const list = await ui.findByRole('list', { name: 'Handlers' });
    expect(list.textContent).toContain('audit store down');
    expect(list.textContent).toContain('1 failures');
    expect(list.textContent).not.toContain('isotel.devtools');
    await userEvent.click(ui.getByRole('button', { name: 'Detach app.audit' }));
    await userEvent.click(ui.getByRole('button', { name: 'Undo' }));
    await ui.findByText('Kept app.audit.');
    expect(t.listHandlers().map((h) => h.id)).toContain('app.audit');
    await userEvent.click(ui.getByRole('button', { name: 'Detach app.audit' }));
    expect(t.listHandlers().map((h) => h.id)).toContain('app.audit');
    await userEvent.click(ui.getByRole('tab', { name: 'Events' }));
    await waitFor(() => expect(t.listHandlers().map((h) => h.id)).not.toContain('app.audit'));
  });
});

describe('the Metrics tab', () => {
  it('shows the aggregator values and quantiles with a sparkline', async () => {
    const t = createTelemetry();
    const metrics = createAggregator(t, [
      summary('db.query.stop.duration'),
      lastValue('queue.depth.value'),
      lastValue('queue.load.value'),
    ]);
    for (const d of [10, 20, 30, 40]) t.emit('db.query.stop', { duration: d });
    t.emitGauge('queue.depth', 7);
    t.emitGauge('queue.load', 3.1);
    const { ui } = mount({ telemetry: t, initialIsOpen: true, metrics });
    await userEvent.click(ui.getByRole('tab', { name: 'Metrics' }));
    const table = await ui.findByRole('list', { name: 'Metrics' });
    const rows = [...table.querySelectorAll('li')].map((r) => r.textContent);
    expect(rows.find((r) => r?.startsWith('db.query.stop.duration'))).toMatch(/summary/);
    expect(rows.find((r) => r?.startsWith('queue.depth.value'))).toContain('7');
    // a fraction reads as the event list writes it, without padding zeros
    expect(rows.find((r) => r?.startsWith('queue.load.value'))).toContain('3.1');
    expect(rows.find((r) => r?.startsWith('queue.load.value'))).not.toContain('3.100');
    expect(table.querySelector('svg.spark')).not.toBeNull();
  });
});

describe('the Control tab', () => {
  it('applies rules and lists through t.control, and counts what they drop', async () => {
    const { t, ui } = mount({ initialIsOpen: true });
    await userEvent.click(ui.getByRole('tab', { name: 'Control' }));
    const rules = await ui.findByRole('textbox', { name: 'Sampling rules' });
    await userEvent.type(rules, 'checkout.** = 0');
    await userEvent.type(ui.getByRole('textbox', { name: 'Deny' }), 'debug.**');
    await userEvent.click(ui.getByRole('button', { name: 'Apply' }));
    await ui.findByText('Applied');
    expect(t.control.get()).toMatchObject({ rules: [{ pattern: 'checkout.**', sampleRate: 0 }], deny: ['debug.**'] });
    act(() => {
      t.emit('checkout.payment.stop', { duration: 1 }, { correlationId: 'c1' });
      t.emit('debug.trace');
    });
    const dropped = await ui.findByLabelText('Dropped per reason', undefined, { timeout: 3000 });
    expect(dropped.textContent).toContain('sampled_out1');
    expect(dropped.textContent).toContain('denied1');
  });

  it('shows invalid input inline and leaves the previous control in force', async () => {
    const { t, ui } = mount({ initialIsOpen: true });
    t.control.set({ sampleRate: 0.5 });
    await userEvent.click(ui.getByRole('tab', { name: 'Control' }));
    const rate = await ui.findByRole('textbox', { name: 'Global sample rate' });
    await waitFor(() => expect((rate as HTMLInputElement).value).toBe('0.5'));
    // userEvent.clear cannot focus into a shadow root under happy-dom: erase the field, then type
    await userEvent.type(rate, '{Backspace}{Backspace}{Backspace}3');
    await userEvent.click(ui.getByRole('button', { name: 'Apply' }));
    expect((await ui.findByText(/Invalid control "sampleRate"/)).getAttribute('role')).toBe('alert');
    expect(ui.getByText('Not applied')).toBeTruthy();
    expect(t.control.get().sampleRate).toBe(0.5);
    await userEvent.type(ui.getByRole('textbox', { name: 'Sampling rules' }), 'no rate here');
    await userEvent.click(ui.getByRole('button', { name: 'Apply' }));
    await ui.findByText(/Rule on line 1: expected "pattern = rate"/);
  });

  it('switches the bus off at once with the Enabled checkbox, and follows changes made elsewhere', async () => {
    const { t, ui } = mount({ initialIsOpen: true });
    await userEvent.click(ui.getByRole('tab', { name: 'Control' }));
    const enabled = await ui.findByRole('checkbox', { name: 'Enabled' });
    await waitFor(() => expect((enabled as HTMLInputElement).checked).toBe(true));
    await userEvent.click(enabled);
    await waitFor(() => expect(t.control.get().enabled).toBe(false));
    act(() => {
      t.control.set({ enabled: true });
    });
    await waitFor(() => expect((enabled as HTMLInputElement).checked).toBe(true));
  });
});
