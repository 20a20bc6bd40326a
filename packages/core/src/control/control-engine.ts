import { matches, type Pattern, parsePattern } from '../bus/pattern.js';
import type { Metadata } from '../bus/types.js';
import { type ControlState, DEFAULT_CONTROL, isPassThrough } from './control-state.js';
import { sampleHash } from './sample-hash.js';

/**
 * Why a control dropped an event. The same four strings wherever a control decides: the bus's
 * `stats().dropped`, an exporter's `stats().dropped` and its `isotel.exporter.drop` events, the
 * collector's answers and the devtools.
 * - `disabled`: `enabled: false`
 * - `denied`: a `deny` pattern matched
 * - `not_allowed`: `allow` is not empty and none of its patterns matched
 * - `sampled_out`: sampling did not keep it (a rate of 0 included)
 */
export type DropReason = 'disabled' | 'denied' | 'not_allowed' | 'sampled_out';

/**
 * What a control does with one event: delivered at `sampleRate` (1 when not sampled), or dropped
 * for `reason`.
 */
export type ControlDecision =
  | { readonly kept: true; readonly sampleRate: number }
  | { readonly kept: false; readonly reason: DropReason };

// Names can be dynamic; past this many the cache starts over rather than grow.
const CACHE_SIZE = 10_000;

/** True for the library's own events, which ignore `enabled`, `allow` and the global rate. */
export function isLibraryEvent(name: string): boolean {
  return name.startsWith('telemetry.') || name.startsWith('isotel.');
}

/** The id sampling hashes: the event's `correlationId`, else its `spanId`, else none. */
export function sampleKey(metadata: Metadata): string | undefined {
  const correlationId = metadata.correlationId;
  if (typeof correlationId === 'string') return correlationId;
  const spanId = metadata.spanId;
  return typeof spanId === 'string' ? spanId : undefined;
}

/**
 * The one control engine: what a {@link ControlState} does with an event. The bus, the browser
 * exporter and the collector each hold one; none decides otherwise. The per-name part (on/off,
 * deny, allow, rules) is resolved once per name and cached until the next {@link use}; sampling
 * then hashes the event's correlation id (else span id).
 */
export class ControlEngine {
  #state: ControlState = DEFAULT_CONTROL;
  #allow: readonly Pattern[] = [];
  #deny: readonly Pattern[] = [];
  #rules: ReadonlyArray<{ readonly pattern: Pattern; readonly sampleRate: number }> = [];
  // a rate in 0..1, or why the name is dropped whatever its metadata
  readonly #byName = new Map<string, number | DropReason>();
  /** False while the state delivers everything unsampled, so callers may skip the engine. */
  filtering = false;

  constructor(state: ControlState = DEFAULT_CONTROL) {
    this.use(state);
  }

  /** The state in force. */
  get state(): ControlState {
    return this.#state;
  }

  /** Puts `state` (already validated by `parseControl`) in force and forgets cached decisions. */
  use(state: ControlState): void {
    this.#state = state;
    this.#allow = state.allow.map(parsePattern);
    this.#deny = state.deny.map(parsePattern);
    this.#rules = state.rules.map((rule) => ({ pattern: parsePattern(rule.pattern), sampleRate: rule.sampleRate }));
    this.#byName.clear();
    this.filtering = !isPassThrough(state);
  }

  /**
   * The rate `name` is sampled at (0..1), or why it is dropped before any sampling (`disabled`,
   * `denied`, `not_allowed`). A rate of 0 drops every event of the name as `sampled_out`.
   */
  rateOf(name: string): number | DropReason {
    let rate = this.#byName.get(name);
    if (rate === undefined) {
      rate = this.#resolve(name);
      if (this.#byName.size >= CACHE_SIZE) this.#byName.clear();
      this.#byName.set(name, rate);
    }
    return rate;
  }

  /** Why every event of `name` is dropped (a rate of 0 is `sampled_out`), if it is. */
  refusalOf(name: string): DropReason | undefined {
    const rate = this.rateOf(name);
    if (typeof rate === 'string') return rate;
    return rate === 0 ? 'sampled_out' : undefined;
  }

  /**
   * The rate one event is kept at (above 0, at most 1), or why it is dropped. Reads the metadata's
   * `correlationId` / `spanId` (a throwing getter throws here); without either, draws at random.
   */
  decide(name: string, metadata: Metadata): number | DropReason {
    const rate = this.rateOf(name);
    if (typeof rate === 'string' || rate >= 1) return rate;
    const key = sampleKey(metadata);
    const draw = key === undefined ? Math.random() : sampleHash(key);
    return draw < rate ? rate : 'sampled_out';
  }

  /**
   * {@link decide} as a {@link ControlDecision}. Without metadata, only what holds for every event
   * of the name: a name sampled at a rate in (0, 1) is reported kept at that rate.
   */
  explain(name: string, metadata?: Metadata): ControlDecision {
    const rate = metadata === undefined ? this.rateOf(name) : this.decide(name, metadata);
    const reason = rate === 0 ? 'sampled_out' : rate;
    return typeof reason === 'string' ? { kept: false, reason } : { kept: true, sampleRate: reason };
  }

  #resolve(name: string): number | DropReason {
    const library = isLibraryEvent(name);
    if (!this.#state.enabled && !library) return 'disabled';
    for (const p of this.#deny) if (matches(p, name)) return 'denied';
    if (!library && this.#allow.length > 0 && !this.#allow.some((p) => matches(p, name))) return 'not_allowed';
    for (const rule of this.#rules) if (matches(rule.pattern, name)) return rule.sampleRate;
    return library ? 1 : this.#state.sampleRate;
  }
}
