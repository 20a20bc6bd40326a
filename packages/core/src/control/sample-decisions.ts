import { matches, type Pattern, parsePattern } from '../bus/pattern.js';
import type { ControlState } from './control-state.js';

/** Why the control dropped an event, as counted in `stats().dropped`. */
export type DropReason = 'disabled' | 'denied' | 'not_allowed' | 'sampled_out';

// A decision is a number so the per-name cache holds no objects: a rate in 0..1, or one of these.
const DISABLED = -1;
const DENIED = -2;
const NOT_ALLOWED = -3;
const REASONS: Record<number, DropReason> = {
  [DISABLED]: 'disabled',
  [DENIED]: 'denied',
  [NOT_ALLOWED]: 'not_allowed',
};
// Names can be dynamic; past this many the cache starts over rather than grow.
const CACHE_SIZE = 10_000;

function isReserved(name: string): boolean {
  return name.startsWith('telemetry.') || name.startsWith('isotel.');
}

/** The per-name decisions of one control state, resolved once per name and cached. */
export class SampleDecisions {
  readonly #state: ControlState;
  readonly #allow: readonly Pattern[];
  readonly #deny: readonly Pattern[];
  readonly #rules: ReadonlyArray<{ readonly pattern: Pattern; readonly sampleRate: number }>;
  readonly #cache = new Map<string, number>();

  constructor(state: ControlState) {
    this.#state = state;
    this.#allow = state.allow.map(parsePattern);
    this.#deny = state.deny.map(parsePattern);
    this.#rules = state.rules.map((rule) => ({ pattern: parsePattern(rule.pattern), sampleRate: rule.sampleRate }));
  }

  /** The sampling rate of `name` (0..1), or a negative drop code. */
  rateOf(name: string): number {
    let rate = this.#cache.get(name);
    if (rate === undefined) {
      rate = this.#decide(name);
      if (this.#cache.size >= CACHE_SIZE) this.#cache.clear();
      this.#cache.set(name, rate);
    }
    return rate;
  }

  reasonOf(code: number): DropReason {
    return REASONS[code] ?? 'denied';
  }

  #decide(name: string): number {
    const reserved = isReserved(name);
    if (!this.#state.enabled && !reserved) return DISABLED;
    for (const p of this.#deny) if (matches(p, name)) return DENIED;
    if (!reserved && this.#allow.length > 0 && !this.#allow.some((p) => matches(p, name))) return NOT_ALLOWED;
    for (const rule of this.#rules) if (matches(rule.pattern, name)) return rule.sampleRate;
    return reserved ? 1 : this.#state.sampleRate;
  }
}
