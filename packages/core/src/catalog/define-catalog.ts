import { isValidName } from '../bus/pattern.js';
import type { Measurements, Metadata } from '../bus/types.js';
import { IsotelError } from '../errors/isotel-error.js';
import { LIBRARY_EVENTS } from './library-events.js';
import type { CatalogSpec, EventSpec } from './schema.js';

/** Why `catalog.validate` refused an event. */
export type CatalogViolation = 'invalid_event' | 'unknown_event' | 'invalid_measurements' | 'invalid_metadata';

/**
 * An event that passed `catalog.validate`: fresh top-level `measurements` and `metadata` objects
 * (own enumerable keys only). Nested metadata values are the sender's, not copied: run
 * `sanitizeMetadata` on untrusted metadata for a deep, bounded copy.
 */
export interface ValidEvent {
  readonly name: string;
  readonly measurements: Measurements;
  readonly metadata: Metadata;
}

/** The result of `catalog.validate`. */
export type CatalogValidation =
  | { readonly ok: true; readonly event: ValidEvent }
  | { readonly ok: false; readonly code: CatalogViolation; readonly message: string };

/** A set of described events: typed `emit`/`span` at compile time, validation at run time. */
export interface Catalog<S extends CatalogSpec = CatalogSpec> {
  /** The events as defined (without the library's own). */
  readonly spec: S;
  /** Every event it knows: the defined ones and the library's `telemetry.*` / `isotel.*` events. */
  readonly events: Readonly<Record<string, EventSpec>>;
  /** True when the catalog describes `name`. */
  has(name: string): boolean;
  /** The spec of `name`, if described. */
  describe(name: string): EventSpec | undefined;
  /**
   * Checks an event from an untrusted source (a client batch, a message): a valid name that the
   * catalog describes, only declared measurements and all finite numbers, required measurements
   * and metadata present, declared metadata of the declared type. Never throws.
   */
  validate(event: unknown): CatalogValidation;
}

const EVENT_KEYS = new Set(['measurements', 'metadata', 'description']);
const MEASUREMENT_TYPES = new Set(['number', 'number?']);
const FIELD_TYPES = new Set(['string', 'number', 'boolean', 'unknown']);

function invalid(message: string): never {
  throw new IsotelError('invalid_catalog', message);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function checkSpec(name: string, spec: unknown): void {
  if (!isValidName(name)) invalid(`Catalog event name ${JSON.stringify(name)} is not a valid event name.`);
  if (name.startsWith('telemetry.') || name.startsWith('isotel.')) {
    invalid(`Catalog event "${name}" uses a reserved namespace (telemetry.*, isotel.*).`);
  }
  if (!isObject(spec)) invalid(`Catalog event "${name}" must be an object.`);
  for (const key of Object.keys(spec)) {
    if (!EVENT_KEYS.has(key)) invalid(`Catalog event "${name}" has an unknown key "${key}".`);
  }
  if (spec.description !== undefined && typeof spec.description !== 'string') {
    invalid(`Catalog event "${name}": description must be a string.`);
  }
  for (const [part, types] of [
    ['measurements', MEASUREMENT_TYPES],
    ['metadata', null],
  ] as const) {
    const fields = spec[part];
    if (fields === undefined) continue;
    if (!isObject(fields)) invalid(`Catalog event "${name}": ${part} must be an object.`);
    for (const [key, type] of Object.entries(fields)) {
      const ok = types
        ? types.has(type as string)
        : typeof type === 'string' && FIELD_TYPES.has(type.replace(/\?$/, ''));
      if (!ok) invalid(`Catalog event "${name}": ${part}.${key} has an unknown type ${JSON.stringify(type)}.`);
    }
  }
}

function typeMatches(type: string, value: unknown): boolean {
  return type === 'unknown' || typeof value === type;
}

function refuse(code: CatalogViolation, message: string): CatalogValidation {
  return { ok: false, code, message };
}

// `measurement "price" is required` / `measurements "count", "price" are required`
function requires(kind: string, keys: readonly string[]): string {
  const list = keys.map((key) => `"${key}"`).join(', ');
  const plural = keys.length > 1;
  return `${plural && kind === 'measurement' ? 'measurements' : kind} ${list} ${plural ? 'are' : 'is'} required`;
}

// Every problem of a part is named in one refusal, so a sender fixes them in one round trip:
// `"shop.cart.add": measurement "count" must be a finite number; measurement "price" is required.`
function refuseAll(
  code: CatalogViolation,
  name: string,
  problems: string[],
  missing: readonly string[],
  kind: string,
): CatalogValidation | undefined {
  if (missing.length > 0) problems.push(requires(kind, missing));
  return problems.length === 0 ? undefined : refuse(code, `"${name}": ${problems.join('; ')}.`);
}

function validateAgainst(events: Readonly<Record<string, EventSpec>>, event: unknown): CatalogValidation {
  if (!isObject(event)) return refuse('invalid_event', 'An event must be an object with a name.');
  const { name, measurements = {}, metadata = {} } = event;
  if (!isValidName(name)) return refuse('invalid_event', `Invalid event name ${JSON.stringify(name)}.`);
  if (!Object.hasOwn(events, name)) return refuse('unknown_event', `Unknown event "${name}".`);
  const spec = events[name] as EventSpec;
  if (!isObject(measurements)) return refuse('invalid_measurements', `"${name}": measurements must be an object.`);
  if (!isObject(metadata)) return refuse('invalid_metadata', `"${name}": metadata must be an object.`);
  const declared = spec.measurements ?? {};
  // One copy of the own enumerable keys is read once and checked: inherited or non-enumerable
  // keys neither satisfy a required key nor reach the result, and a getter is read only once.
  const givenMeasurements: Record<string, unknown> = { ...measurements };
  const md: Metadata = { ...metadata };
  const m: Measurements = {};
  const problems: string[] = [];
  for (const [key, value] of Object.entries(givenMeasurements)) {
    if (!Object.hasOwn(declared, key)) problems.push(`unknown measurement "${key}"`);
    else if (typeof value !== 'number' || !Number.isFinite(value))
      problems.push(`measurement "${key}" must be a finite number`);
    else m[key] = value;
  }
  const missing: string[] = [];
  for (const [key, type] of Object.entries(declared)) {
    if (type === 'number' && !Object.hasOwn(givenMeasurements, key)) missing.push(key);
  }
  const badMeasurements = refuseAll('invalid_measurements', name, problems, missing, 'measurement');
  if (badMeasurements !== undefined) return badMeasurements;
  const metadataProblems: string[] = [];
  const missingMetadata: string[] = [];
  for (const [key, spec_] of Object.entries(spec.metadata ?? {})) {
    const optional = spec_.endsWith('?');
    // a required key must be an own key with a value other than undefined (JSON would drop it)
    const value = Object.hasOwn(md, key) ? md[key] : undefined;
    if (value === undefined) {
      if (!optional) missingMetadata.push(key);
    } else if (!typeMatches(optional ? spec_.slice(0, -1) : spec_, value)) {
      metadataProblems.push(`metadata "${key}" must be a ${spec_.replace('?', '')}`);
    }
  }
  const badMetadata = refuseAll('invalid_metadata', name, metadataProblems, missingMetadata, 'metadata');
  if (badMetadata !== undefined) return badMetadata;
  return { ok: true, event: { name, measurements: m, metadata: md } };
}

/**
 * Describes the events an application emits. Pass it to `createTelemetry({ catalog })` for a
 * typed `emit`/`span` (wrong names or measurement keys fail to compile), and use
 * `catalog.validate(event)` where events come from untrusted sources. Throws
 * `IsotelError('invalid_catalog')` for a malformed definition.
 *
 * @example
 * const catalog = defineCatalog({
 *   'checkout.payment.stop': {
 *     description: 'A payment attempt finished.',
 *     measurements: { duration: 'number' },
 *     metadata: { orderId: 'string', provider: 'string?' },
 *   },
 * })
 */
export function defineCatalog<const S extends CatalogSpec>(spec: S): Catalog<S> {
  if (!isObject(spec)) invalid('A catalog must be an object of event specs.');
  for (const [name, event] of Object.entries(spec)) checkSpec(name, event);
  const events: Readonly<Record<string, EventSpec>> = Object.freeze({ ...LIBRARY_EVENTS, ...spec });
  return Object.freeze({
    spec,
    events,
    has: (name: string) => Object.hasOwn(events, name),
    describe: (name: string) => (Object.hasOwn(events, name) ? events[name] : undefined),
    validate(event: unknown): CatalogValidation {
      try {
        return validateAgainst(events, event);
      } catch (error) {
        // getters or Proxies in untrusted input
        return refuse('invalid_event', `The event could not be read: ${(error as Error)?.message ?? String(error)}`);
      }
    },
  });
}
