import { matches, parsePattern } from '../bus/pattern.js';
import type { Metadata } from '../bus/types.js';
import { IsotelError } from '../errors/isotel-error.js';
import type { DropReason } from '../export/exporter-stats.js';

/** One sampling rule: events matching `pattern` are kept at `sampleRate`. */
export interface SamplingRule {
  readonly pattern: string;
  readonly sampleRate: number;
}

/**
 * What an exporter ships, changeable at runtime (DESIGN §5): `enabled` switches it off, `deny`
 * beats `allow`, a non-empty `allow` admits only what it matches, the first matching rule sets the
 * rate, else `sampleRate`. Sampling is decided per correlation id (else span id), so the events of
 * one span or request are kept or dropped together.
 */
export interface ExporterControl {
  /** @default true */
  readonly enabled?: boolean;
  /** @default 1 */
  readonly sampleRate?: number;
  /** @default [] */
  readonly rules?: readonly SamplingRule[];
  /** @default [] (everything) */
  readonly allow?: readonly string[];
  /** @default [] */
  readonly deny?: readonly string[];
}

function fail(message: string): never {
  throw new IsotelError('invalid_control', message);
}

function rate(value: unknown, where: string): number {
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) fail(`${where} must be a number in [0, 1].`);
  return value;
}

function patterns(value: unknown, where: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) fail(`${where} must be an array of patterns.`);
  for (const p of value) parsePatternAsControl(p, where);
  return value as string[];
}

function parsePatternAsControl(pattern: unknown, where: string): void {
  try {
    parsePattern(pattern);
  } catch (error) {
    fail(`${where}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * Checks control input and returns it normalised. Throws `IsotelError` (`invalid_control`)
 * with a message naming the bad field; the previous control then stays in force.
 */
export function validateExporterControl(input: unknown): Required<ExporterControl> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) fail('Control must be an object.');
  const c = input as Record<string, unknown>;
  if (c.enabled !== undefined && typeof c.enabled !== 'boolean') fail('enabled must be a boolean.');
  const rules = c.rules === undefined ? [] : c.rules;
  if (!Array.isArray(rules)) fail('rules must be an array of { pattern, sampleRate }.');
  rules.forEach((rule: unknown, i) => {
    if (typeof rule !== 'object' || rule === null) fail(`rules[${i}] must be { pattern, sampleRate }.`);
    const r = rule as Record<string, unknown>;
    parsePatternAsControl(r.pattern, `rules[${i}].pattern`);
    rate(r.sampleRate, `rules[${i}].sampleRate`);
  });
  return {
    enabled: c.enabled ?? true,
    sampleRate: c.sampleRate === undefined ? 1 : rate(c.sampleRate, 'sampleRate'),
    rules: rules as SamplingRule[],
    allow: patterns(c.allow, 'allow'),
    deny: patterns(c.deny, 'deny'),
  };
}

interface NameDecision {
  readonly drop: DropReason | undefined;
  readonly rate: number;
}

const MAX_CACHED_NAMES = 1000;

/** Applies an {@link ExporterControl} to events; the per-name part is cached. */
export class ControlGate {
  #control: Required<ExporterControl> | undefined;
  readonly #byName = new Map<string, NameDecision>();

  /** The control in force, if any. */
  get control(): Required<ExporterControl> | undefined {
    return this.#control;
  }

  set(control: Required<ExporterControl> | undefined): void {
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
    const key = metadata.correlationId ?? metadata.spanId;
    const draw = typeof key === 'string' ? unitHash(key) : Math.random();
    return draw < decision.rate ? decision.rate : 'sampled';
  }
}

function decideName(control: Required<ExporterControl>, name: string): NameDecision {
  if (control.deny.some((p) => matches(p, name))) return { drop: 'denied', rate: 0 };
  if (control.allow.length > 0 && !control.allow.some((p) => matches(p, name))) return { drop: 'denied', rate: 0 };
  const rule = control.rules.find((r) => matches(r.pattern, name));
  return { drop: undefined, rate: rule ? rule.sampleRate : control.sampleRate };
}

// FNV-1a with a murmur3 finaliser: the same id always maps to the same point in [0, 1).
function unitHash(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}
