import { isValidName } from '../../bus/pattern.js';
import type { Measurements, Metadata } from '../../bus/types.js';
import { MIN_SAMPLE_RATE } from '../../control/control-state.js';
import type { RejectedEvent } from '../../export/record.js';
import { MAX_RECORD_ID_LENGTH } from '../../export/record.js';
import { idProblem } from './ids.js';
import type { CollectorCatalog, MetadataSanitizer } from './options.js';

/** A record that passed validation, ready to be re-emitted. */
export interface CheckedRecord {
  readonly id: string;
  readonly name: string;
  readonly time: number;
  readonly measurements: Measurements;
  readonly metadata: Metadata;
  readonly correlationId: string | undefined;
  readonly spanId: string | undefined;
  readonly parentSpanId: string | undefined;
  readonly sampleRate: number | undefined;
  /**
   * The record's own session (events queued before a reload carry the old one). Its own
   * `clientId` is not kept: the batch's, which the rate limit and control are keyed on, wins.
   */
  readonly sessionId: string | undefined;
}

/** What {@link checkRecord} needs besides the record. */
export interface RecordRules {
  readonly catalog: CollectorCatalog | undefined;
  readonly sanitize: MetadataSanitizer;
  readonly maxMeasurements: number;
  /** The server clock (epoch ms) that record times are checked against. */
  readonly now: number;
}

const MAX_NAME = 256;
const MAX_MEASUREMENT_KEY = 128;
const HOSTILE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
/** Earliest record time accepted: 2000-01-01T00:00:00Z. */
const MIN_RECORD_TIME = Date.UTC(2000, 0, 1);
/** How far ahead of the server clock a record time may be (client clocks drift): one day. */
const MAX_CLOCK_AHEAD_MS = 24 * 60 * 60 * 1000;

// The reserved namespaces hold the library's own events. A client may send only those a browser
// bus and its exporter emit about themselves; the collector's own (`isotel.collector.*`) and any
// other reserved name would let a client forge the server's health and metrics.
const CLIENT_LIBRARY_EVENTS = new Set([
  'telemetry.handler.failure',
  'telemetry.control.change',
  'isotel.exporter.flush',
  'isotel.exporter.drop',
]);

/** True for a name in `telemetry.*` / `isotel.*` that clients may not send. */
function isReservedForServer(name: string): boolean {
  return (name.startsWith('isotel.') || name.startsWith('telemetry.')) && !CLIENT_LIBRARY_EVENTS.has(name);
}

/** True for an object literal as JSON.parse makes it (not an array, not null). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function reject(index: number, id: unknown, code: string, message: string): RejectedEvent {
  return idProblem(id) === undefined ? { index, id: id as string, code, message } : { index, code, message };
}

// ids of a record are checked as every id the collector takes (ids.ts), so none reaches the bus
// that a route could not take back
function optionalId(value: unknown): value is string | undefined {
  return value === undefined || idProblem(value) === undefined;
}

/**
 * Validates one untrusted event record. Returns the record to re-emit, or why it was refused with
 * a stable code. Never throws: the record comes straight from `JSON.parse` of a client's body.
 */
export function checkRecord(raw: unknown, index: number, rules: RecordRules): CheckedRecord | RejectedEvent {
  if (!isPlainObject(raw)) return reject(index, undefined, 'invalid_record', 'An event record must be an object.');
  const { id, name, time, correlationId, spanId, parentSpanId, sampleRate } = raw;
  const idWrong = idProblem(id);
  if (idWrong !== undefined) return reject(index, undefined, 'invalid_id', `"id" ${idWrong}.`);
  if (typeof name !== 'string' || name.length > MAX_NAME || !isValidName(name)) {
    return reject(index, id, 'invalid_name', 'Invalid event name: use dot-separated segments of [A-Za-z0-9_-].');
  }
  if (isReservedForServer(name)) {
    return reject(index, id, 'reserved_name', `${name.slice(0, 64)} is in a namespace reserved for the server.`);
  }
  if (typeof time !== 'number' || !(time >= MIN_RECORD_TIME && time <= rules.now + MAX_CLOCK_AHEAD_MS)) {
    return reject(
      index,
      id,
      'invalid_time',
      '"time" must be epoch milliseconds from 2000-01-01 to one day ahead of the server clock.',
    );
  }
  if (!optionalId(correlationId) || !optionalId(spanId) || !optionalId(parentSpanId)) {
    return reject(
      index,
      id,
      'invalid_record',
      `Span and correlation ids must be strings of 1-${MAX_RECORD_ID_LENGTH} characters, without control characters, not "." or "..".`,
    );
  }
  if (
    sampleRate !== undefined &&
    !(typeof sampleRate === 'number' && sampleRate >= MIN_SAMPLE_RATE && sampleRate <= 1)
  ) {
    return reject(index, id, 'invalid_record', '"sampleRate" must be a number from 1e-6 to 1.');
  }
  const measurements = checkMeasurements(raw.measurements, rules.maxMeasurements);
  if (typeof measurements === 'string') return reject(index, id, 'invalid_measurements', measurements);
  if (raw.metadata !== undefined && !isPlainObject(raw.metadata)) {
    return reject(index, id, 'invalid_metadata', '"metadata" must be an object when present.');
  }
  const metadata = rules.sanitize(raw.metadata ?? {});
  if (rules.catalog !== undefined) {
    const verdict = rules.catalog.validate({ name, measurements, metadata });
    if (!verdict.ok) return reject(index, id, verdict.code, verdict.message);
  }
  return {
    id: id as string,
    name,
    time,
    measurements,
    metadata,
    correlationId,
    spanId,
    parentSpanId,
    sampleRate: sampleRate as number | undefined,
    sessionId: optionalId(raw.sessionId) ? raw.sessionId : undefined,
  };
}

// Returns the measurements (the parsed object itself, which the collector owns, minus any
// prototype-polluting key) or the reason they are refused.
function checkMeasurements(value: unknown, max: number): Measurements | string {
  if (value === undefined) return {};
  if (!isPlainObject(value)) return '"measurements" must be an object of finite numbers.';
  let count = 0;
  for (const key in value) {
    if (++count > max) return `At most ${max} measurements per event.`;
    if (key.length > MAX_MEASUREMENT_KEY) {
      return `Measurement key ${JSON.stringify(key.slice(0, 64))}... is over ${MAX_MEASUREMENT_KEY} characters.`;
    }
    const v = value[key];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      return `Measurement ${JSON.stringify(key.slice(0, 64))} must be a finite number.`;
    }
    if (HOSTILE_KEYS.has(key)) delete value[key];
  }
  return value as Measurements;
}
