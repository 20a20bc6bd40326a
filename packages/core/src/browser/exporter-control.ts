import { matches } from '../bus/pattern.js';
import type { Metadata } from '../bus/types.js';
import { type ControlInput, type ControlState, parseControl, type SampleRule } from '../control/control-state.js';
import { sampleHash } from '../control/sample-hash.js';
import type { DropReason } from '../export/exporter-stats.js';
import { sampleKey } from './record-encoder.js';

/**
 * What an exporter ships, changeable at runtime — the bus's control shape (DESIGN §5): `enabled`
 * switches it off, `deny` beats `allow`, a non-empty `allow` admits only what it matches, the
 * first matching rule sets the rate, else `sampleRate`. Sampling is decided per correlation id
 * (else span id) with the bus's hash, so the events of one span or request are kept or dropped
 * together, and an event the bus kept at rate r and the exporter at rate k was kept at min(r, k).
 *
 * @example exporter.setControl({ sampleRate: 0.1, deny: ['debug.**'] })
 */
export type ExporterControl = ControlInput;

/** One sampling rule: events matching `pattern` are kept at `sampleRate`. */
export type SamplingRule = SampleRule;

/**
 * Checks control input (the bus's `parseControl`) and returns the full control it sets. Throws
 * `IsotelError` (`invalid_control`) naming the bad key; the previous control then stays in force.
 */
export function validateExporterControl(input: unknown): ControlState {
  return parseControl(input);
}

interface NameDecision {
  readonly drop: DropReason | undefined;
  readonly rate: number;
}

const MAX_CACHED_NAMES = 1000;

/** Applies an {@link ExporterControl} to events; the per-name part is cached. */
export class ControlGate {
  #control: ControlState | undefined;
  readonly #byName = new Map<string, NameDecision>();

  /** The control in force, if any. */
  get control(): ControlState | undefined {
    return this.#control;
  }

  set(control: ControlState | undefined): void {
    this.#control = control;
    this.#byName.clear();
  }

  /** Undefined: no control set (keep at rate 1). A reason: drop. A number: keep at this rate. */
  decide(name: string, metadata: Metadata): DropReason | number {
    const control = this.#control;
    if (control === undefined) return 1;
    if (!control.enabled) return 'disabled';
    let decision = this.#byName.get(name);
    if (decision === undefined) {
      decision = decideName(control, name);
      if (this.#byName.size >= MAX_CACHED_NAMES) this.#byName.clear();
      this.#byName.set(name, decision);
    }
    if (decision.drop !== undefined) return decision.drop;
    if (decision.rate >= 1) return 1;
    const key = sampleKey(metadata);
    const draw = key === undefined ? Math.random() : sampleHash(key);
    return draw < decision.rate ? decision.rate : 'sampled';
  }
}

function decideName(control: ControlState, name: string): NameDecision {
  if (control.deny.some((p) => matches(p, name))) return { drop: 'denied', rate: 0 };
  if (control.allow.length > 0 && !control.allow.some((p) => matches(p, name))) return { drop: 'denied', rate: 0 };
  const rule = control.rules.find((r) => matches(r.pattern, name));
  return { drop: undefined, rate: rule ? rule.sampleRate : control.sampleRate };
}
