import type { ControlRule, ControlState } from '../engine/backend.js';
import { errorMessage, h, replaceChildren } from '../engine/dom.js';
import type { Tab, TabContext } from './tab.js';

/** Parses rules written one per line as `pattern = rate` (also `pattern: rate` or `pattern rate`). */
export function parseRules(text: string): ControlRule[] {
  const rules: ControlRule[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).trim();
    if (line === '' || line.startsWith('#')) continue;
    const match = /^(\S+)\s*(?:=|:|\s)\s*(\S+)$/.exec(line);
    if (!match) throw new Error(`Rule on line ${i + 1}: expected "pattern = rate", got ${JSON.stringify(line)}.`);
    const rate = Number(match[2]);
    if (match[2] === '' || Number.isNaN(rate)) {
      throw new Error(`Rule on line ${i + 1}: the rate ${JSON.stringify(match[2])} is not a number.`);
    }
    rules.push({ pattern: match[1] as string, sampleRate: rate });
  }
  return rules;
}

function lines(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

/** Runtime control: on/off, global rate, per-pattern rules, allow/deny; dropped counts per reason. */
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
    this.#error = h('p', { class: 'error', role: 'alert' });
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
      this.#error.textContent = '';
      void this.#load();
    });
    // on/off applies at once: it is the switch one reaches for in a hurry
    this.#enabled.addEventListener('change', () => void this.#apply());
  }

  activate(): void {
    this.#stopWatching?.();
    this.#stopWatching = this.#ctx.backend().onControlChange(() => void this.#load());
    void this.#load();
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
    return {
      enabled: this.#enabled.checked,
      sampleRate: this.#rate.value.trim() === '' ? Number.NaN : Number(this.#rate.value),
      rules: parseRules(this.#rules.value),
      allow: lines(this.#allow.value),
      deny: lines(this.#deny.value),
    };
  }

  #show(control: ControlState): void {
    this.#enabled.checked = control.enabled;
    this.#rate.value = String(control.sampleRate);
    this.#rules.value = control.rules.map((r) => `${r.pattern} = ${r.sampleRate}`).join('\n');
    this.#allow.value = control.allow.join('\n');
    this.#deny.value = control.deny.join('\n');
  }

  async #apply(): Promise<void> {
    let next: ControlState;
    try {
      next = this.#read();
      const applied = await this.#ctx.backend().setControl(next);
      this.#error.textContent = '';
      this.#show(applied);
      this.#status.textContent = 'Applied';
    } catch (error) {
      // invalid input: the message says why; the previous control stays in force
      this.#error.textContent = errorMessage(error);
      this.#status.textContent = 'Not applied';
    }
  }

  async #load(): Promise<void> {
    try {
      const control = await this.#ctx.backend().control();
      const available = control !== undefined;
      this.#form.hidden = !available;
      this.#missing.hidden = available;
      if (control) this.#show(control);
      else this.#missing.textContent = 'This bus has no runtime control (t.control); nothing to change here.';
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
