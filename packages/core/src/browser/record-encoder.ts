import type { Measurements, Metadata } from '../bus/types.js';
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
 * `sampleRate` lifted from metadata (the rate multiplied by `keptAtRate` when the exporter's own
 * control sampled the event). Metadata that JSON cannot express as is (Errors, BigInts, cycles)
 * goes through `sanitizeMetadata`; plain metadata is serialised as is (the collector sanitises
 * what it receives). The caller's objects are never mutated. Undefined only if serialising fails.
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
  const metadataJson = metadataToJson(metadata);
  if (metadataJson === undefined) return undefined;
  const measurementsJson = JSON.stringify(finiteOnly(measurements) ? measurements : finiteCopy(measurements));
  let lifted = '';
  const correlationId = metadata.correlationId;
  if (typeof correlationId === 'string') lifted += `,"correlationId":${JSON.stringify(correlationId)}`;
  const spanId = metadata.spanId;
  if (typeof spanId === 'string') lifted += `,"spanId":${JSON.stringify(spanId)}`;
  const parentSpanId = metadata.parentSpanId;
  if (typeof parentSpanId === 'string') lifted += `,"parentSpanId":${JSON.stringify(parentSpanId)}`;
  // kept at rate r upstream and at rate k here: each kept event stands for 1 / (r * k)
  const upstream = metadata.sampleRate;
  const rate = (typeof upstream === 'number' && upstream > 0 && upstream < 1 ? upstream : 1) * keptAtRate;
  if (rate < 1) lifted += `,"sampleRate":${rate}`;
  const ms = Math.floor(time);
  return `{"id":"${recordUuid(ms)}","time":${ms},"name":"${name}","measurements":${measurementsJson},"metadata":${metadataJson}${lifted}${sourceTail}}`;
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
