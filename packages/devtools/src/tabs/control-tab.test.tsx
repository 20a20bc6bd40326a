import { createTelemetry } from '@isotel/core';
import { within } from '@testing-library/dom';
import { act, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { mountPanel } from '../engine/panel.test-kit.js';

// The Control tab's form: what applies when, and what survives a change made elsewhere.

async function openControl() {
  const t = createTelemetry();
  const root = mountPanel({ telemetry: t, initialIsOpen: true }).root.querySelector<HTMLElement>('.root');
  if (!root) throw new Error('no panel');
  const ui = within(root);
  await userEvent.click(ui.getByRole('tab', { name: 'Control' }));
  const enabled = (await ui.findByRole('checkbox', { name: 'Enabled' })) as HTMLInputElement;
  await waitFor(() => expect(enabled.checked).toBe(true));
  return {
    t,
    ui,
    enabled,
    rate: ui.getByRole('spinbutton', { name: 'Global sample rate' }) as HTMLInputElement,
    rules: ui.getByRole('textbox', { name: 'Sampling rules' }) as HTMLTextAreaElement,
    allow: ui.getByRole('textbox', { name: 'Allow' }) as HTMLTextAreaElement,
    status: () => (root.querySelector('#panel-control .toolbar [role="status"]')?.textContent ?? '').trim(),
    error: () => root.querySelector('form [role="alert"]')?.textContent ?? '',
  };
}

/** Types into a field as a user would (happy-dom cannot focus into a shadow root for userEvent.clear). */
async function retype(field: HTMLInputElement | HTMLTextAreaElement, text: string): Promise<void> {
  field.value = '';
  if (text !== '') await userEvent.type(field, text);
  else act(() => void field.dispatchEvent(new Event('input', { bubbles: true })));
}

describe('the Enabled checkbox', () => {
  it('applies only `enabled`, leaving unsaved edits unsent and in their fields', async () => {
    const { t, enabled, rate } = await openControl();
    await retype(rate, '0.25');
    await userEvent.click(enabled);
    await waitFor(() => expect(t.control.get().enabled).toBe(false));
    expect(t.control.get().sampleRate).toBe(1);
    expect(rate.value).toBe('0.25');
  });

  it('applies even while another field holds an invalid edit, and shows what is in force', async () => {
    const { t, enabled, rate, error } = await openControl();
    await retype(rate, '7');
    await userEvent.click(enabled);
    await waitFor(() => expect(t.control.get().enabled).toBe(false));
    expect(enabled.checked).toBe(false);
    expect(error()).toBe('');
    await userEvent.click(enabled);
    await waitFor(() => expect(t.control.get().enabled).toBe(true));
    expect(enabled.checked).toBe(true);
  });
});

describe('the control form', () => {
  it('keeps half-typed edits when the control changes elsewhere, and takes the rest', async () => {
    const { t, rate, allow } = await openControl();
    await retype(allow, 'half typed');
    act(() => {
      t.control.set({ sampleRate: 0.4 });
    });
    await waitFor(() => expect(rate.value).toBe('0.4'));
    expect(allow.value).toBe('half typed');
  });

  it('clears "Not applied" and the error once the form is reloaded', async () => {
    const { ui, rate, status, error } = await openControl();
    await retype(rate, '3');
    await userEvent.click(ui.getByRole('button', { name: 'Apply' }));
    await waitFor(() => expect(status()).toBe('Not applied'));
    await userEvent.click(ui.getByRole('button', { name: 'Revert' }));
    await waitFor(() => expect(rate.value).toBe('1'));
    expect(status()).toBe('');
    expect(error()).toBe('');
    expect(rate.getAttribute('aria-invalid')).not.toBe('true');
  });

  it('marks the field in error with aria-invalid, pointing at the message', async () => {
    const { ui, rate, rules, error } = await openControl();
    await retype(rate, '3');
    await userEvent.click(ui.getByRole('button', { name: 'Apply' }));
    await waitFor(() => expect(rate.getAttribute('aria-invalid')).toBe('true'));
    const message = ui.getByRole('alert', { name: '' });
    expect(rate.getAttribute('aria-describedby')).toBe(message.id);
    expect(rules.getAttribute('aria-invalid')).not.toBe('true');
    await retype(rate, '0.5');
    await retype(rules, 'no rate here');
    await userEvent.click(ui.getByRole('button', { name: 'Apply' }));
    await waitFor(() => expect(rules.getAttribute('aria-invalid')).toBe('true'));
    expect(rate.getAttribute('aria-invalid')).not.toBe('true');
    expect(error()).toMatch(/Rule on line 1/);
  });

  it('says an empty rate is empty, not NaN', async () => {
    const { t, ui, rate, error } = await openControl();
    await retype(rate, '');
    await userEvent.click(ui.getByRole('button', { name: 'Apply' }));
    await waitFor(() => expect(error()).not.toBe(''));
    expect(error()).not.toContain('NaN');
    expect(error()).toMatch(/sample rate/i);
    expect(rate.getAttribute('aria-invalid')).toBe('true');
    expect(t.control.get().sampleRate).toBe(1);
  });
});
