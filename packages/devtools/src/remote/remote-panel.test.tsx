/**
 * @vitest-environment-options { "settings": { "fetch": { "disableSameOriginPolicy": true } } }
 */
import { createTelemetry } from '@isotel/core';
import { type Collector, createCollector } from '@isotel/core/node';
import type { DevtoolsExporter } from '@isotel/devtools';
import { within } from '@testing-library/dom';
import { waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { PREVIEW_LENGTH } from '../engine/format-value.js';
import { mountDevtools } from '../production.js';
import { collectorWithStatsd, failingAudit } from './collector-exporters.test-kit.js';

// The panel in remote mode against a real collector in this process: what a developer sees
// when pointing the devtools at a server. happy-dom's same-origin emulation is off here (the
// collector's CORS allow-list has its own tests); the requests are real HTTP.

const ADMIN = 'admin-token';
const cleanups: (() => unknown)[] = [];
const collectors = new Map<string, Collector>();
const collectorOf = (url: string) => collectors.get(url) as Collector;
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  localStorage.clear();
});

async function setup() {
  const telemetry = createTelemetry();
  const collector = createCollector({ telemetry, adminToken: ADMIN, node: 'collector-a' });
  const server = await collector.listen(0, '127.0.0.1');
  collectors.set(server.url, collector);
  cleanups.push(() => collector.close());
  const { ui, handle } = mountPanel({ collectorUrl: server.url, adminToken: ADMIN, initialIsOpen: true });
  return { telemetry, url: server.url, ui, handle };
}

/** Mounts the panel with `options` (unmounted after the test); its UI, queried inside the shadow root. */
function mountPanel(options: Parameters<typeof mountDevtools>[1]) {
  const el = document.createElement('div');
  document.body.appendChild(el);
  const handle = mountDevtools(el, options);
  cleanups.push(() => {
    handle.unmount();
    el.remove();
  });
  const root = el.querySelector('[data-isotel-devtools]')?.shadowRoot?.querySelector<HTMLElement>('.root');
  if (!root) throw new Error('no panel');
  return { ui: within(root), handle };
}

describe('the panel in remote mode', { timeout: 20_000 }, () => {
  it("streams the server bus's events and names the collector in the header", async () => {
    const { telemetry, url, ui } = await setup();
    expect(ui.getByText(url)).toBeTruthy();

    await waitFor(() => expect(telemetry.listHandlers().length).toBeGreaterThan(0), { timeout: 5000 });
    telemetry.emit('orders.created', { count: 1 }, { orderId: 'o-7' });
    await waitFor(() => expect(ui.getByRole('listbox', { name: 'Events' }).textContent).toContain('orders.created'), {
      timeout: 5000,
    });
  });

  it('detaches a server handler once its Undo time is over: it leaves the server bus and the list', async () => {
    const { telemetry, ui } = await setup();
    const received: string[] = [];
    telemetry.attach('server.audit', 'orders.**', (name) => received.push(name));
    telemetry.attach('server.metrics', 'orders.**', () => {});
    await userEvent.click(ui.getByRole('tab', { name: 'Handlers' }));
    const table = await ui.findByRole('list', { name: 'Handlers' }, { timeout: 5000 });
    await waitFor(() => expect(table.textContent).toContain('server.audit'), { timeout: 5000 });
    // the collector's own stream handler, which this panel reads through, is not offered
    expect(table.textContent).not.toContain('isotel.collector.stream');

    await userEvent.click(ui.getByRole('button', { name: 'Detach server.audit' }));
    expect(telemetry.listHandlers().map((h) => h.id)).toContain('server.audit');
    await ui.findByText('Detached server.audit.', undefined, { timeout: 8000 });
    expect(telemetry.listHandlers().map((h) => h.id)).not.toContain('server.audit');
    const list = ui.getByRole('list', { name: 'Handlers' });
    await waitFor(() => expect(list.textContent).not.toContain('server.audit'), { timeout: 5000 });
    expect(list.textContent).toContain('server.metrics');
    telemetry.emit('orders.created', { count: 1 });
    expect(received).toEqual([]);
  });

  it('shows a detach that fails inline as an alert, and the handler stays', async () => {
    const { telemetry, url, ui } = await setup();
    telemetry.attach('server.audit', 'orders.**', () => {});
    await userEvent.click(ui.getByRole('tab', { name: 'Handlers' }));
    await ui.findByRole('button', { name: 'Detach server.audit' }, { timeout: 5000 });
    // the collector goes away between the listing and the detach (carried out once Undo is over)
    await collectorOf(url).close();
    await userEvent.click(ui.getByRole('button', { name: 'Detach server.audit' }));
    const alert = await ui.findByText(/^Could not detach server\.audit: /, undefined, { timeout: 8000 });
    expect(alert.getAttribute('role')).toBe('alert');
    expect(telemetry.listHandlers().map((h) => h.id)).toContain('server.audit');
  });

  it('applies or refuses control through the collector', async () => {
    const { url, ui } = await setup();
    await userEvent.click(ui.getByRole('tab', { name: 'Control' }));
    // behind a load balancer the counts are one instance's: the tab says which
    await ui.findByText('Counted by collector collector-a (each instance counts its own).', undefined, {
      timeout: 5000,
    });
    const rules = await ui.findByRole('textbox', { name: 'Sampling rules' }, { timeout: 5000 });
    await userEvent.type(rules, 'orders.** = 0.25');
    await userEvent.click(ui.getByRole('button', { name: 'Apply' }));
    await ui.findByText('Applied', undefined, { timeout: 5000 });
    const stored = await fetch(`${url}/v1/control`, { headers: { authorization: `Bearer ${ADMIN}` } });
    expect(((await stored.json()) as { control: { rules: unknown } }).control.rules).toEqual([
      { pattern: 'orders.**', sampleRate: 0.25 },
    ]);
    await userEvent.type(rules, '{Backspace}{Backspace}{Backspace}{Backspace}2');
    await userEvent.click(ui.getByRole('button', { name: 'Apply' }));
    expect((await ui.findByText(/sampleRate/, undefined, { timeout: 5000 })).getAttribute('role')).toBe('alert');
  });
});

describe("the Exporters tab in remote mode shows the collector's exporters", { timeout: 20_000 }, () => {
  async function panelOn(url: string, adminToken: string | undefined, exporters: DevtoolsExporter[] = []) {
    const { ui } = mountPanel({
      collectorUrl: url,
      ...(adminToken === undefined ? {} : { adminToken }),
      exporters,
      initialIsOpen: true,
    });
    await userEvent.click(ui.getByRole('tab', { name: 'Exporters' }));
    return ui;
  }

  async function started() {
    const c = await collectorWithStatsd(ADMIN, { audit: failingAudit });
    cleanups.push(() => c.close());
    return c;
  }

  it('each reporter with its health and figures, the instance that answered, and the page exporters apart', async () => {
    const c = await started();
    c.telemetry.emit('orders.created', { count: 1 }, { region: 'eu' });
    c.telemetry.emit('orders.created', { count: 1 }, { region: 'x'.repeat(100) });
    const page: DevtoolsExporter = { name: 'browser', stats: () => ({ queued: 0, sent: 4 }), flush: () => {} };
    const ui = await panelOn(c.url, ADMIN, [page]);

    const collector = await ui.findByRole('region', { name: 'Collector exporters' }, { timeout: 5000 });
    const statsd = await within(collector).findByRole('region', { name: 'collector statsd' }, { timeout: 5000 });
    await within(collector).findByText('Reported by collector collector-a (each instance reports its own).');
    const pairs = (name: string) =>
      [...statsd.querySelectorAll(`dl[aria-label="${name}"] .pair`)].map((p) => [
        p.querySelector('dt')?.textContent,
        p.querySelector('dd')?.textContent,
      ]);
    expect(within(statsd).getByText('healthy')).toBeTruthy();
    expect(pairs('statsd status')).toEqual([
      ['sent', '2'],
      ['failed', '1'],
    ]);
    expect(pairs('statsd details')).toEqual([
      ['recorded', '2'],
      ['skipped', 'none'],
      ['overflowed', 'none'],
      ['oversized', '1'],
      ['sendErrors', '0'],
    ]);
    // a source whose stats() threw is reported by the collector with its last error
    const audit = within(collector).getByRole('region', { name: 'collector audit' });
    expect(within(audit).getByText('reading the status failed: Error: audit log closed')).toBeTruthy();
    // read only: nothing of the collector's is flushed from here
    expect(within(collector).queryByRole('button', { name: 'Flush now' })).toBeNull();

    // the figures follow the collector's
    c.telemetry.emit('orders.created', { count: 1 }, { region: 'us' });
    await waitFor(() => expect(pairs('statsd status')).toContainEqual(['sent', '3']), { timeout: 5000 });

    const own = ui.getByRole('region', { name: "This page's exporters" });
    expect(within(own).getByRole('region', { name: 'browser' })).toBeTruthy();
    expect(within(own).getByRole('button', { name: 'Flush now' })).toBeTruthy();
  });

  it('keeps a card short however much an exporter reports', async () => {
    const figures = Object.fromEntries(Array.from({ length: 120 }, (_, i) => [`figure${i}`, i]));
    const c = await collectorWithStatsd(ADMIN, {
      chatty: { stats: () => ({ ...figures, sent: 1, lastError: 'e'.repeat(10_000), dropped: figures }) },
    });
    cleanups.push(() => c.close());
    const ui = await panelOn(c.url, ADMIN);
    const card = await ui.findByRole('region', { name: 'collector chatty' }, { timeout: 5000 });
    const rows = card.querySelectorAll('dl[aria-label="chatty details"] .pair');
    expect(rows).toHaveLength(51);
    expect(rows[50]?.textContent).toBe('…71 more not shown');
    // a tally of reasons is cut too
    const dropped = [...rows].find((row) => row.querySelector('dt')?.textContent === 'dropped');
    expect(dropped?.querySelector('dd')?.textContent).toMatch(/^figure0 0, .*figure49 49, 70 more$/);
    const lastError = within(card).getByText(/^e+…$/);
    expect(lastError.textContent).toHaveLength(PREVIEW_LENGTH);
  });

  it('says why when the collector does not show them: no token, a refused token, no such route', async () => {
    const c = await started();
    const shown = async (url: string, token: string | undefined) => {
      const ui = await panelOn(url, token);
      const collector = await ui.findByRole('region', { name: 'Collector exporters' });
      const alert = await within(collector).findByRole('alert', undefined, { timeout: 5000 });
      expect(within(collector).queryAllByRole('region')).toEqual([]);
      const text = alert.textContent;
      cleanups.pop()?.();
      return text;
    };
    expect(await shown(c.url, undefined)).toBe(
      'The collector shows its exporters only with the admin token (the adminToken option): The admin token is required. ',
    );
    expect(await shown(c.url, 'wrong')).toBe(
      'The collector refused this admin token, so its exporters cannot be shown: This token is not the admin token. ',
    );
    // a collector older than the route answers 404 as this one does for a path it does not know
    expect(await shown(`${c.url}/older`, ADMIN)).toBe(
      'This collector does not report its exporters (GET /v1/exporters answered 404): it is older than this panel. ',
    );
  });
});
