import { type ControlState, parseControl, type SampleRule } from '@isotel/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, type ReactNode, useEffect, useRef, useState } from 'react';
import { errorMessage } from '../engine/format-value.js';
import { useEngine } from './engine-context.js';

/** The form fields of the Control tab, by the control key each one edits. */
type Field = 'enabled' | 'sampleRate' | 'rules' | 'allow' | 'deny';
type TextField = Exclude<Field, 'enabled'>;
const TEXT_FIELDS: readonly TextField[] = ['sampleRate', 'rules', 'allow', 'deny'];

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
export function parseRules(text: string): SampleRule[] {
  const rules: SampleRule[] = [];
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
  const key = /Invalid control "([A-Za-z]+)/.exec(errorMessage(error))?.[1];
  return key === 'enabled' || key === 'sampleRate' || key === 'rules' || key === 'allow' || key === 'deny'
    ? key
    : undefined;
}

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

function read(enabled: boolean, form: Record<TextField, string>): ControlState {
  const rate = form.sampleRate.trim();
  if (rate === '' || Number.isNaN(Number(rate))) {
    throw new FieldError('sampleRate', 'Global sample rate: expected a number from 0 to 1.');
  }
  // validated here by core's parseControl, the bus's and the collector's own check
  return parseControl({
    enabled,
    sampleRate: Number(rate),
    rules: parseRules(form.rules),
    allow: lines(form.allow),
    deny: lines(form.deny),
  });
}

const LABELS: Record<TextField, string> = {
  sampleRate: 'Global sample rate',
  rules: 'Sampling rules',
  allow: 'Allow',
  deny: 'Deny',
};
const PLACEHOLDERS: Record<TextField, string> = {
  sampleRate: '1',
  rules: 'checkout.** = 0.5',
  allow: 'one pattern per line',
  deny: 'one pattern per line',
};

/**
 * Runtime control: on/off, global rate, per-pattern rules, allow/deny; dropped counts per reason.
 * The control in force is a polled query; Apply and the switch are mutations that invalidate it.
 * A field whose text differs from the control in force is an unapplied edit: a change made
 * elsewhere updates the other fields and leaves it alone.
 */
export function ControlTab(): ReactNode {
  const engine = useEngine();
  const client = useQueryClient();
  const controlKey = ['isotel', engine.sourceKey, 'control'];
  const statsKey = ['isotel', engine.sourceKey, 'stats'];
  const control = useQuery({ queryKey: controlKey, queryFn: () => engine.backend.control(), refetchInterval: 2000 });
  const stats = useQuery({ queryKey: statsKey, queryFn: () => engine.backend.stats(), refetchInterval: 1000 });
  const [form, setForm] = useState<Record<TextField, string> | undefined>(undefined);
  const inForce = useRef<Record<TextField, string> | undefined>(undefined);
  const [status, setStatus] = useState('');
  const [error, setError] = useState<unknown>(undefined);

  // a change elsewhere (another tab, the collector's stream) refreshes the control at once
  const { backend, sourceKey } = engine;
  useEffect(
    () =>
      backend.onControlChange(() => {
        void client.invalidateQueries({ queryKey: ['isotel', sourceKey, 'control'] });
      }),
    [backend, sourceKey, client],
  );

  // the control in force reaches the form: untouched fields follow it, edited ones are kept
  useEffect(() => {
    const c = control.data;
    if (!c) return;
    const next = texts(c);
    setForm((current) => {
      const before = inForce.current;
      inForce.current = next;
      if (!current || !before) return next;
      const merged = { ...next };
      let kept = false;
      for (const key of TEXT_FIELDS) {
        if (current[key] !== before[key]) {
          merged[key] = current[key];
          if (current[key] !== next[key]) kept = true;
        }
      }
      if (kept && JSON.stringify(before) !== JSON.stringify(next)) {
        setStatus('Changed elsewhere; your edits are kept, not applied');
      }
      return merged;
    });
  }, [control.data]);

  const apply = useMutation({
    mutationFn: (next: ControlState) => engine.backend.setControl(next),
    onSuccess: (applied) => {
      client.setQueryData(controlKey, applied);
      inForce.current = texts(applied);
      setForm(texts(applied));
      setError(undefined);
      setStatus('Applied');
      return client.invalidateQueries({ queryKey: statsKey });
    },
    onError: (e) => {
      setError(e);
      setStatus('Not applied');
    },
  });
  const toggle = useMutation({
    mutationFn: async (enabled: boolean) => {
      const current = control.data;
      if (!current) throw new Error('This bus has no runtime control.');
      return engine.backend.setControl({ ...current, enabled });
    },
    onSuccess: (applied) => {
      client.setQueryData(controlKey, applied);
      setStatus(applied.enabled ? 'Enabled' : 'Disabled');
      return client.invalidateQueries({ queryKey: controlKey });
    },
    onError: (e, enabled) => {
      setStatus('Not applied');
      setError(new Error(`Could not switch ${enabled ? 'on' : 'off'}: ${errorMessage(e)}`));
    },
  });

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (!form || !control.data) return;
    try {
      apply.mutate(read(control.data.enabled, form));
    } catch (e) {
      setError(e);
      setStatus('Not applied');
    }
  };
  const invalid = error === undefined ? undefined : fieldOf(error);
  const dropped = Object.entries(stats.data?.dropped ?? {});

  return (
    <div className="control">
      <div className="toolbar">
        <strong>Runtime control</strong>
        <span className="count" role="status">
          {status}
        </span>
      </div>
      {control.isError ? (
        <p className="error">Could not read the control: {errorMessage(control.error)}</p>
      ) : control.isPending ? (
        <p className="empty">Reading the control…</p>
      ) : control.data === undefined ? (
        <p className="empty">This bus has no runtime control (t.control); nothing to change here.</p>
      ) : form ? (
        // novalidate: the bus validates, and its message is shown inline instead of a browser bubble
        <form className="section" aria-label="Runtime control" noValidate onSubmit={onSubmit}>
          <div className="field">
            <label htmlFor="isotel-control-enabled">Enabled</label>
            <input
              id="isotel-control-enabled"
              type="checkbox"
              checked={control.data.enabled}
              disabled={toggle.isPending}
              onChange={(event) => toggle.mutate(event.target.checked)}
            />
          </div>
          {TEXT_FIELDS.map((key) => {
            const id = `isotel-control-${key}`;
            const common = {
              id,
              value: form[key],
              placeholder: PLACEHOLDERS[key],
              spellCheck: false,
              'aria-invalid': invalid === key || undefined,
              'aria-describedby': invalid === key ? 'isotel-control-error' : undefined,
              onChange: (event: { target: { value: string } }) => setForm({ ...form, [key]: event.target.value }),
            };
            return (
              <div className="field" key={key}>
                <label htmlFor={id}>{LABELS[key]}</label>
                {key === 'sampleRate' ? (
                  <input type="text" inputMode="decimal" {...common} />
                ) : (
                  <textarea {...common} />
                )}
              </div>
            );
          })}
          <div className="field">
            <button type="submit" disabled={apply.isPending}>
              Apply
            </button>
            <button
              type="button"
              onClick={() => {
                if (!control.data) return;
                inForce.current = texts(control.data);
                setForm(texts(control.data));
                setError(undefined);
                setStatus('');
              }}
            >
              Revert
            </button>
          </div>
          <p className="error" role="alert" id="isotel-control-error">
            {error === undefined ? '' : errorMessage(error)}
          </p>
        </form>
      ) : null}
      <section className="section" aria-label="Dropped events">
        <h3>Dropped events</h3>
        {stats.data?.node === undefined ? null : (
          <p className="muted">Counted by collector {stats.data.node} (each instance counts its own).</p>
        )}
        {stats.isError ? (
          <p className="error">Could not read stats: {errorMessage(stats.error)}</p>
        ) : dropped.length === 0 ? (
          <p className="muted">Nothing dropped.</p>
        ) : (
          <dl aria-label="Dropped per reason">
            {dropped.map(([reason, n]) => (
              <div key={reason} className="pair">
                <dt>{reason}</dt>
                <dd>{n}</dd>
              </div>
            ))}
          </dl>
        )}
      </section>
    </div>
  );
}
