import type { Measurements, Metadata } from '../bus/types.js';
import { sampleKey } from '../control/control-engine.js';
import { MIN_SAMPLE_RATE } from '../control/control-state.js';
import { MAX_RECORD_ID_LENGTH } from '../export/record.js';
import { sanitizeMetadata } from '../sanitize/sanitize-metadata.js';
import { recordUuid } from './record-id.js';

// A record's JSON always starts `{"id":"<36-char uuid>","time":<13 digits>,` because the id and
// time keys are inserted first and epoch ms keep 13 digits until the year 2286. Queued records
// are stored as JSON strings, so this fixed prefix lets the queue read a record's id and time
// without parsing it.
const ID_START = 7;
const ID_END = 43;
const TIME_START = 52;
const TIME_END = 65;

/** The id of a record serialised by {@link encodeRecord}. */
export function recordId(json: string): string {
  return json.slice(ID_START, ID_END);
}

/** The epoch-ms time of a record serialised by {@link encodeRecord}. */
export function recordTime(json: string): number {
  return Number(json.slice(TIME_START, TIME_END));
}

/** Who emitted: added to every record. */
export interface RecordSource {
  readonly clientId: string;
  readonly sessionId: string;
}

/** The JSON tail every record of one source ends with, made once. */
export function sourceJson(source: RecordSource): string {
  return `,"clientId":${JSON.stringify(source.clientId)},"sessionId":${JSON.stringify(source.sessionId)}`;
}

/**
 * Serialises one event as an `EventRecord` JSON string: a new UUIDv7 id, the time, the source
 * (`sourceTail` from {@link sourceJson}), and `correlationId` / `spanId` / `parentSpanId` /
 * `sampleRate` lifted from metadata when the collector accepts them there (ids of 1–128
 * characters, a rate from 1e-6 to below 1); other values stay in metadata only. Metadata that
 * JSON cannot express as is (Errors, BigInts, cycles) goes through `sanitizeMetadata`; plain
 * metadata is serialised as is (the collector sanitises what it receives). The caller's objects
 * are never mutated. Undefined when the event cannot be serialised (metadata whose getters or
 * Proxy traps throw).
 *
 * `keptAtRate` is the rate the exporter's own control kept the event at. The rate the record
 * claims is the one really applied: with a sampling key (correlation id, else span id) the bus
 * and the exporter hash the same key, so an event kept by both was kept at the lower of the two
 * rates; without one both drew at random, so at their product. Below 1e-6 it is sent as 1e-6.
 *
 * The JSON is assembled by hand around two JSON.stringify calls (measurements, metadata): this
 * runs on every exported emit, and bus names are already restricted to `[A-Za-z0-9_.-]`.
 */
export function encodeRecord(
  name: string,
  measurements: Measurements,
  metadata: Metadata,
  sourceTail: string,
  time: number,
  keptAtRate = 1,
): string | undefined {
  try {
    const metadataJson = metadataToJson(metadata);
    if (metadataJson === undefined) return undefined;
    const measurementsJson = JSON.stringify(finiteOnly(measurements) ? measurements : finiteCopy(measurements));
    let lifted = '';
    const correlationId = metadata.correlationId;
    if (liftable(correlationId)) lifted += `,"correlationId":${JSON.stringify(correlationId)}`;
    const spanId = metadata.spanId;
    if (liftable(spanId)) lifted += `,"spanId":${JSON.stringify(spanId)}`;
    const parentSpanId = metadata.parentSpanId;
    if (liftable(parentSpanId)) lifted += `,"parentSpanId":${JSON.stringify(parentSpanId)}`;
    const upstream = metadata.sampleRate;
    let rate = typeof upstream === 'number' && upstream >= MIN_SAMPLE_RATE && upstream < 1 ? upstream : 1;
    if (keptAtRate < 1) {
      rate = sampleKey(metadata) === undefined ? rate * keptAtRate : Math.min(rate, keptAtRate);
      if (rate < MIN_SAMPLE_RATE) rate = MIN_SAMPLE_RATE;
    }
    if (rate < 1) lifted += `,"sampleRate":${rate}`;
    const ms = Math.floor(time);
    return `{"id":"${recordUuid(ms)}","time":${ms},"name":"${name}","measurements":${measurementsJson},"metadata":${metadataJson}${lifted}${sourceTail}}`;
  } catch {
    // a getter or Proxy trap of the caller's objects threw: the caller counts the event invalid
    return undefined;
  }
}

function liftable(id: unknown): id is string {
  return typeof id === 'string' && id.length > 0 && id.length <= MAX_RECORD_ID_LENGTH;
}

function metadataToJson(metadata: Metadata): string | undefined {
  if (!needsCopy(metadata)) {
    try {
      return JSON.stringify(metadata) ?? '{}';
    } catch {
      // a cycle or BigInt below the top level: fall through to sanitizing
    }
  }
  try {
    return JSON.stringify(sanitizeMetadata(metadata));
  } catch {
    return undefined;
  }
}

function finiteOnly(measurements: Measurements): boolean {
  for (const key in measurements) {
    const value = measurements[key];
    if (typeof value !== 'number' || !Number.isFinite(value)) return false;
  }
  return true;
}

function finiteCopy(measurements: Measurements): Measurements {
  const out: Measurements = {};
  for (const key in measurements) {
    const value = measurements[key];
    if (typeof value === 'number' && Number.isFinite(value)) out[key] = value;
  }
  return out;
}

// JSON.stringify turns an Error into {} and throws on a BigInt: check the top level (cheap),
// deeper ones are caught by the try above.
function needsCopy(metadata: Metadata): boolean {
  for (const key in metadata) {
    const value = metadata[key];
    if (typeof value === 'bigint' || value instanceof Error) return true;
  }
  return false;
}
