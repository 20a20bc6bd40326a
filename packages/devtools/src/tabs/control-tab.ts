import type { ControlRule, ControlState } from '../engine/backend.js';
import { errorMessage, h, replaceChildren } from '../engine/dom.js';
import type { Tab, TabContext } from './tab.js';

/** The form fields of the Control tab, by the control key each one edits. */
type Field = 'enabled' | 'sampleRate' | 'rules' | 'allow' | 'deny';
const TEXT_FIELDS = ['sampleRate', 'rules', 'allow', 'deny'] as const;
type TextField = (typeof TEXT_FIELDS)[number];

/** A form value the tab refuses before sending it, naming the field it is about. */
class FieldError extends Error {
  readonly field: Field;

  constructor(field: Field, message: string) {
    super(message);
    this.name = 'FieldError';
    this.field = field;
  }
}

/** Parses rules written one per line as `pattern = rate` (also `pattern: rate` or `pattern rate`). */
export function parseRules(text: string): ControlRule[] {
  const rules: ControlRule[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).trim();
    if (line === '' || line.startsWith('#')) continue;
    const match = /^(\S+)\s*(?:=|:|\s)\s*(\S+)$/.exec(line);
    if (!match) {
      throw new FieldError('rules', `Rule on line ${i + 1}: expected "pattern = rate", got ${JSON.stringify(line)}.`);
    }
    const rate = Number(match[2]);
    if (match[2] === '' || Number.isNaN(rate)) {
      throw new FieldError('rules', `Rule on line ${i + 1}: the rate ${JSON.stringify(match[2])} is not a number.`);
    }
    rules.push({ pattern: match[1] as string, sampleRate: rate });
  }
  return rules;
}

/** The field a validation message is about: the bus names it (`Invalid control "deny": ...`). */
function fieldOf(error: unknown): Field | undefined {
  if (error instanceof FieldError) return error.field;
  const key = /Invalid control "([A-Za-z]+)/.exec(error instanceof Error ? error.message : String(error))?.[1];
  return key === 'enabled' || key === 'sampleRate' || key === 'rules' || key === 'allow' || key === 'deny'
    ? key
    : undefined;
}

/** The text each field shows for a control. */
function texts(control: ControlState): Record<TextField, string> {
  return {
    sampleRate: String(control.sampleRate),
    rules: control.rules.map((r) => `${r.pattern} = ${r.sampleRate}`).join('\n'),
    allow: control.allow.join('\n'),
    deny: control.deny.join('\n'),
  };
}

function lines(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

/**
 * Runtime control: on/off, global rate, per-pattern rules, allow/deny; dropped counts per reason.
 *
 * The form remembers the text of the control in force for each field. A field whose text differs
 * is an unapplied edit: a change made elsewhere updates the other fields and leaves it alone, and
 * the Enabled checkbox, which applies at once, sends `enabled` only.
 */
export class ControlTab implements Tab {
  readonly id = 'control' as const;
  readonly label = 'Control';
  readonly element: HTMLElement;
  readonly #ctx: TabContext;
  readonly #form: HTMLFormElement;
  readonly #enabled: HTMLInputElement;
  readonly #rate: HTMLInputElement;
  readonly #rules: HTMLTextAreaElement;
  readonly #allow: HTMLTextAreaElement;
  readonly #deny: HTMLTextAreaElement;
  readonly #error: HTMLElement;
  readonly #status: HTMLElement;
  readonly #dropped: HTMLElement;
  readonly #missing: HTMLElement;
  readonly #fields: Record<TextField, HTMLInputElement | HTMLTextAreaElement>;
  // the text of the control in force, per field, as last shown
  #inForce: Record<TextField, string> | undefined;
  #stopWatching: (() => void) | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(ctx: TabContext) {
    this.#ctx = ctx;
    this.#enabled = h('input', { type: 'checkbox', id: 'isotel-control-enabled' });
    this.#rate = h('input', { type: 'number', min: '0', max: '1', step: 'any', id: 'isotel-control-rate' });
    this.#rules = h('textarea', { id: 'isotel-control-rules', placeholder: 'checkout.** = 0.5', spellcheck: 'false' });
    this.#allow = h('textarea', {
      id: 'isotel-control-allow',
      placeholder: 'one pattern per line',
      spellcheck: 'false',
    });
    this.#deny = h('textarea', { id: 'isotel-control-deny', placeholder: 'one pattern per line', spellcheck: 'false' });
    this.#error = h('p', { class: 'error', role: 'alert', id: 'isotel-control-error' });
    this.#fields = { sampleRate: this.#rate, rules: this.#rules, allow: this.#allow, deny: this.#deny };
    this.#status = h('span', { class: 'count', role: 'status' });
    this.#dropped = h('div');
    this.#missing = h('p', { class: 'muted', hidden: true });
    const field = (label: string, input: HTMLElement, id: string) =>
      h('div', { class: 'field' }, h('label', { for: id }, label), input);
    this.#form = h(
      'form',
      // novalidate: the bus validates, and its message is shown inline instead of a browser bubble
      { class: 'section', 'aria-label': 'Runtime control', novalidate: true },
      field('Enabled', this.#enabled, 'isotel-control-enabled'),
      field('Global sample rate', this.#rate, 'isotel-control-rate'),
      field('Sampling rules', this.#rules, 'isotel-control-rules'),
      field('Allow', this.#allow, 'isotel-control-allow'),
      field('Deny', this.#deny, 'isotel-control-deny'),
      h('div', { class: 'field' }, h('button', { type: 'submit' }, 'Apply'), h('button', { type: 'reset' }, 'Revert')),
      this.#error,
    );
    this.element = h(
      'div',
      {},
      h('div', { class: 'toolbar' }, h('strong', {}, 'Runtime control'), this.#status),
      this.#missing,
      this.#form,
      h('section', { class: 'section', 'aria-label': 'Dropped events' }, h('h3', {}, 'Dropped events'), this.#dropped),
    );
    this.#form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.#apply();
    });
    this.#form.addEventListener('reset', (event) => {
      event.preventDefault();
      void this.#load(true);
    });
    // on/off applies at once: it is the switch one reaches for in a hurry
    this.#enabled.addEventListener('change', () => void this.#applyEnabled());
  }

  activate(): void {
    this.#stopWatching?.();
    this.#stopWatching = this.#ctx.backend().onControlChange(() => void this.#load(false));
    // a fresh look at the tab: the form shows what is in force
    void this.#load(true);
    clearInterval(this.#timer);
    this.#timer = setInterval(() => void this.#loadStats(), 1000);
  }

  deactivate(): void {
    this.#stopWatching?.();
    this.#stopWatching = undefined;
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  render(): void {}

  dispose(): void {
    this.deactivate();
  }

  #read(): ControlState {
    const rate = this.#rate.value.trim();
    if (rate === '') {
      throw new FieldError(
        'sampleRate',
        this.#rate.validity?.badInput
          ? 'Global sample rate: not a number; expected a number from 0 to 1.'
          : 'Global sample rate is empty: expected a number from 0 to 1.',
      );
    }
    return {
      enabled: this.#enabled.checked,
      sampleRate: Number(rate),
      rules: parseRules(this.#rules.value),
      allow: lines(this.#allow.value),
      deny: lines(this.#deny.value),
    };
  }

  /**
   * Shows a control. `replace`: every field takes its value (after Apply, Revert, a fresh look);
   * otherwise a field holding an unapplied edit keeps it. Returns whether some edit was kept.
   */
  #show(control: ControlState, replace: boolean): boolean {
    this.#enabled.checked = control.enabled;
    const next = texts(control);
    let kept = false;
    for (const key of TEXT_FIELDS) {
      const field = this.#fields[key];
      const edited = this.#inForce !== undefined && field.value !== this.#inForce[key];
      if (replace || !edited) field.value = next[key];
      else if (field.value !== next[key]) kept = true;
    }
    this.#inForce = next;
    return kept;
  }

  #setError(error: unknown): void {
    this.#error.textContent = error === undefined ? '' : errorMessage(error);
    const invalid = error === undefined ? undefined : fieldOf(error);
    const inputs: Record<Field, HTMLElement> = { enabled: this.#enabled, ...this.#fields };
    for (const [key, input] of Object.entries(inputs) as [Field, HTMLElement][]) {
      if (key === invalid) {
        input.setAttribute('aria-invalid', 'true');
        input.setAttribute('aria-describedby', this.#error.id);
      } else {
        input.removeAttribute('aria-invalid');
        input.removeAttribute('aria-describedby');
      }
    }
  }

  async #apply(): Promise<void> {
    try {
      const applied = await this.#ctx.backend().setControl(this.#read());
      this.#setError(undefined);
      this.#show(applied, true);
      this.#status.textContent = 'Applied';
    } catch (error) {
      // invalid input: the message says why; the previous control stays in force
      this.#setError(error);
      this.#status.textContent = 'Not applied';
    }
  }

  // The checkbox sends `enabled` alone, over the control in force: edits in the other fields
  // stay unapplied (and may be invalid) without holding the switch back.
  async #applyEnabled(): Promise<void> {
    const enabled = this.#enabled.checked;
    const backend = this.#ctx.backend();
    try {
      const current = await backend.control();
      if (current === undefined) throw new Error('This bus has no runtime control.');
      const applied = await backend.setControl({ ...current, enabled });
      this.#show(applied, false);
      this.#status.textContent = applied.enabled ? 'Enabled' : 'Disabled';
    } catch (error) {
      this.#enabled.checked = !enabled;
      this.#status.textContent = 'Not applied';
      this.#error.textContent = `Could not switch ${enabled ? 'on' : 'off'}: ${errorMessage(error)}`;
    }
  }

  /** Reads the control in force. `replace`: Revert or a fresh look, which drop unapplied edits. */
  async #load(replace: boolean): Promise<void> {
    try {
      const control = await this.#ctx.backend().control();
      const available = control !== undefined;
      this.#form.hidden = !available;
      this.#missing.hidden = available;
      if (control) {
        const kept = this.#show(control, replace);
        if (kept) this.#status.textContent = 'Changed elsewhere; your edits are kept, not applied';
        else if (this.#error.textContent !== '' || this.#status.textContent !== 'Applied') {
          // a failed Apply no longer holds once the form shows the control anew (an "Applied"
          // does: the stream echoes this panel's own change back)
          this.#setError(undefined);
          this.#status.textContent = '';
        }
      } else this.#missing.textContent = 'This bus has no runtime control (t.control); nothing to change here.';
    } catch (error) {
      this.#form.hidden = true;
      this.#missing.hidden = false;
      this.#missing.textContent = `Could not read the control: ${errorMessage(error)}`;
    }
    await this.#loadStats();
  }

  async #loadStats(): Promise<void> {
    try {
      const stats = await this.#ctx.backend().stats();
      const reasons = Object.entries(stats.dropped);
      replaceChildren(
        this.#dropped,
        reasons.length === 0
          ? h('p', { class: 'muted' }, 'Nothing dropped.')
          : h(
              'table',
              { 'aria-label': 'Dropped per reason' },
              h(
                'tbody',
                {},
                ...reasons.map(([reason, n]) => h('tr', {}, h('th', { scope: 'row' }, reason), h('td', {}, String(n)))),
              ),
            ),
      );
    } catch (error) {
      replaceChildren(this.#dropped, h('p', { class: 'error' }, `Could not read stats: ${errorMessage(error)}`));
    }
  }
}
