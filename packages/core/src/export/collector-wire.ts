// What the collector sends besides its ingest answers (those are in record.ts): the messages of
// its Server-Sent Events stream and the bodies of its admin routes. The collector builds its
// answers through these types, and a client reads them with the parsers below, which accept
// exactly these shapes and nothing else. Types only import other types, so this module loads
// in a browser without anything of the collector.
import type { FailurePolicy, HandlerInfo, Measurements, Metadata } from '../bus/types.js';
import type { ExporterStatus } from '../config/exporter-status.js';
import type { ControlDecision } from '../control/control-engine.js';
import { type ControlState, parseControl } from '../control/control-state.js';
import { IsotelError } from '../errors/isotel-error.js';
import type { StoreStats } from '../node/collector/store/collector-store.js';

/**
 * The `event:` field of each message of `GET /v1/stream`: `event` carries a {@link StreamEvent},
 * `control` the {@link ControlState} in force for the stream's client, `shutdown` (data `{}`)
 * says the collector is closing. Comments (`: heartbeat`) keep the connection alive.
 */
export type StreamMessageKind = 'event' | 'control' | 'shutdown';

/**
 * The data of an `event: event` message. JSON has no non-finite numbers: a measurement that was
 * `NaN` or `±Infinity` on the collector's bus arrives as `null`, which {@link parseStreamEvent}
 * reads back as `NaN`.
 */
export interface StreamEvent {
  readonly name: string;
  readonly measurements: Measurements;
  readonly metadata: Metadata;
}

/** The body of `GET /v1/handlers`: the collector bus's handlers, its own stream fan-out included. */
export interface HandlerListing {
  readonly handlers: readonly HandlerInfo[];
}

export type { ExporterStatus } from '../config/exporter-status.js';

/**
 * The body of `GET /v1/exporters`: the status of each exporter and reporter of the collector's
 * `exporters` option, in the option's order (names are unique: they are the option's keys).
 */
export interface ExporterListing {
  readonly exporters: readonly ExporterStatus[];
}

/**
 * The body of every answer of `GET|PUT /v1/control` and `GET|PUT|DELETE /v1/control/:clientId`:
 * the control now in force for that client (its own, else the global one), or the global one.
 */
export interface ControlAnswer {
  /** Absent for the global control. */
  readonly clientId?: string;
  readonly control: ControlState;
  /** With `?name=`: what this control does with an event of that name. */
  readonly decision?: ControlDecision;
}

/** The body of every refusal of the collector (4xx, 5xx), with a stable `code`. */
export interface ProblemAnswer {
  readonly error: { readonly code: string; readonly message: string };
}

/** Counters of the live streams, in {@link CollectorStats}. */
export interface StreamStats {
  readonly open: number;
  readonly opened: number;
  /** Readers dropped because their buffer filled up (too slow to keep up). */
  readonly droppedSlow: number;
}

/** Counters of a collector, as `collector.stats()` and `GET /v1/stats` report them. */
export interface CollectorStats {
  readonly node: string;
  /** Requests handled, per response status. */
  readonly responses: Readonly<Record<string, number>>;
  readonly batches: number;
  readonly accepted: number;
  readonly duplicates: number;
  /** Refused events per code (`invalid_name`, `unknown_event`, ...). */
  readonly rejected: Readonly<Record<string, number>>;
  /** Batches refused by the rate limit. */
  readonly rateLimited: number;
  readonly streams: StreamStats;
  /** The shared-state store: its kind, health, and operations answered per process. */
  readonly store: StoreStats;
  /** The per-process dedupe window (with `redisStore`, the fallback used while Redis is away). */
  readonly dedupe: { readonly size: number; readonly capacity: number };
  readonly rateLimitedClients: number;
  /** Network addresses with a rate-limit bucket. */
  readonly rateLimitedAddresses: number;
  readonly controlOverrides: number;
  readonly inFlight: number;
  /** Bytes of ingest bodies being received now, as counted against `maxConcurrentBodyBytes`. */
  readonly receivingBytes: number;
  readonly draining: boolean;
}

/**
 * One message of `GET /v1/stream` as it goes on the wire.
 *
 * @example streamMessage('control', control) // 'event: control\ndata: {"enabled":true,...}\n\n'
 */
export function streamMessage(kind: 'event', data: StreamEvent): string;
export function streamMessage(kind: 'control', data: ControlState): string;
export function streamMessage(kind: 'shutdown', data: Record<string, never>): string;
export function streamMessage(kind: StreamMessageKind, data: object): string {
  return `event: ${kind}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * Reads the data of an `event: event` message. Throws `IsotelError('invalid_answer')` for
 * anything but a {@link StreamEvent}.
 *
 * @example parseStreamEvent('{"name":"a.b","measurements":{"ms":1},"metadata":{}}')
 */
export function parseStreamEvent(data: string): StreamEvent {
  const value = parseJson(data, 'stream event');
  if (!isRecord(value)) invalid('stream event', 'is not an object');
  if (typeof value.name !== 'string') invalid('stream event', 'has no string `name`');
  if (!isRecord(value.measurements)) invalid('stream event', '`measurements` is not an object');
  if (!isRecord(value.metadata)) invalid('stream event', '`metadata` is not an object');
  const measurements: Record<string, number> = {};
  for (const [key, n] of Object.entries(value.measurements)) {
    if (n !== null && typeof n !== 'number') invalid('stream event', `measurement \`${key}\` is not a number`);
    measurements[key] = n ?? Number.NaN;
  }
  return { name: value.name, measurements, metadata: value.metadata };
}

/**
 * Reads the data of an `event: control` message with the bus's own `parseControl`. Throws
 * `IsotelError('invalid_control')` for anything but a valid control.
 */
export function parseStreamControl(data: string): ControlState {
  return parseControl(parseJson(data, 'stream control'));
}

/** Reads the body of `GET /v1/handlers`. Throws `IsotelError('invalid_answer')` for any other shape. */
export function parseHandlerListing(body: unknown): HandlerListing {
  if (!isRecord(body) || !Array.isArray(body.handlers)) invalid('handler listing', 'is not `{ handlers: [...] }`');
  return { handlers: body.handlers.map(handlerInfo) };
}

/**
 * Reads the body of a `/v1/control` answer; the control is checked by the bus's `parseControl`.
 * Throws `IsotelError('invalid_answer')` (or `'invalid_control'`) for any other shape.
 */
export function parseControlAnswer(body: unknown): ControlAnswer {
  if (!isRecord(body) || !('control' in body)) invalid('control answer', 'is not `{ clientId?, control }`');
  const control = parseControl(body.control);
  if (body.clientId === undefined) return { control };
  if (typeof body.clientId !== 'string') invalid('control answer', '`clientId` is not a string');
  return { clientId: body.clientId, control };
}

/** Reads the body of `GET /v1/stats`. Throws `IsotelError('invalid_answer')` for any other shape. */
export function parseCollectorStats(body: unknown): CollectorStats {
  const what = 'stats';
  if (!isRecord(body)) invalid(what, 'is not an object');
  const streams = record(body, 'streams', what);
  const store = record(body, 'store', what);
  const storeDedupe = record(store, 'dedupe', what);
  const dedupe = record(body, 'dedupe', what);
  const status = store.status;
  if (status !== 'up' && status !== 'connecting' && status !== 'degraded') invalid(what, '`store.status` is unknown');
  return {
    node: text(body, 'node', what),
    responses: counts(body, 'responses', what),
    batches: count(body, 'batches', what),
    accepted: count(body, 'accepted', what),
    duplicates: count(body, 'duplicates', what),
    rejected: counts(body, 'rejected', what),
    rateLimited: count(body, 'rateLimited', what),
    streams: {
      open: count(streams, 'open', what),
      opened: count(streams, 'opened', what),
      droppedSlow: count(streams, 'droppedSlow', what),
    },
    store: {
      kind: text(store, 'kind', what),
      status,
      fallbacks: count(store, 'fallbacks', what),
      dedupe: { size: count(storeDedupe, 'size', what), capacity: count(storeDedupe, 'capacity', what) },
      rateLimitedClients: count(store, 'rateLimitedClients', what),
      rateLimitedAddresses: count(store, 'rateLimitedAddresses', what),
    },
    dedupe: { size: count(dedupe, 'size', what), capacity: count(dedupe, 'capacity', what) },
    rateLimitedClients: count(body, 'rateLimitedClients', what),
    rateLimitedAddresses: count(body, 'rateLimitedAddresses', what),
    controlOverrides: count(body, 'controlOverrides', what),
    inFlight: count(body, 'inFlight', what),
    receivingBytes: count(body, 'receivingBytes', what),
    draining: flag(body, 'draining', what),
  };
}

/**
 * Reads the body of `GET /v1/exporters`. Throws `IsotelError('invalid_answer')` for any other
 * shape: a missing or negative count, a `details` that is not an object, a name given twice.
 *
 * @example parseExporterListing({ exporters: [{ name: 'statsd', sent: 3, failed: 0, details: {} }] })
 */
export function parseExporterListing(body: unknown): ExporterListing {
  if (!isRecord(body) || !Array.isArray(body.exporters)) invalid('exporter listing', 'is not `{ exporters: [...] }`');
  const names = new Set<string>();
  const exporters = body.exporters.map((value) => {
    const status = exporterStatus(value);
    if (names.has(status.name)) invalid('exporter listing', `names ${JSON.stringify(status.name.slice(0, 100))} twice`);
    names.add(status.name);
    return status;
  });
  return { exporters };
}

/** Reads the body of a refusal; `undefined` when it is not a {@link ProblemAnswer} (a proxy's page). */
export function parseProblem(body: unknown): ProblemAnswer | undefined {
  if (!isRecord(body) || !isRecord(body.error)) return undefined;
  const { code, message } = body.error;
  return typeof code === 'string' && typeof message === 'string' ? { error: { code, message } } : undefined;
}

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(what: string, problem: string): never {
  throw new IsotelError('invalid_answer', `The collector's ${what} ${problem}.`);
}

function parseJson(data: string, what: string): unknown {
  try {
    return JSON.parse(data);
  } catch {
    return invalid(what, 'is not JSON');
  }
}

function record(body: Json, key: string, what: string): Json {
  const value = body[key];
  return isRecord(value) ? value : invalid(what, `\`${key}\` is not an object`);
}

function count(body: Json, key: string, what: string): number {
  const value = body[key];
  return typeof value === 'number' ? value : invalid(what, `\`${key}\` is not a number`);
}

function text(body: Json, key: string, what: string): string {
  const value = body[key];
  return typeof value === 'string' ? value : invalid(what, `\`${key}\` is not a string`);
}

function flag(body: Json, key: string, what: string): boolean {
  const value = body[key];
  return typeof value === 'boolean' ? value : invalid(what, `\`${key}\` is not a boolean`);
}

function counts(body: Json, key: string, what: string): Record<string, number> {
  const value = record(body, key, what);
  const out: Record<string, number> = {};
  for (const k of Object.keys(value)) out[k] = count(value, k, what);
  return out;
}

const FAILURE_POLICIES: readonly string[] = ['detach', 'keep'] satisfies FailurePolicy[];

function handlerInfo(value: unknown): HandlerInfo {
  const what = 'handler listing';
  if (!isRecord(value)) invalid(what, 'holds a handler that is not an object');
  const patterns = value.patterns;
  if (!Array.isArray(patterns) || !patterns.every((p) => typeof p === 'string')) {
    invalid(what, '`patterns` is not a list of strings');
  }
  const onFailure = value.onFailure;
  if (typeof onFailure !== 'string' || !FAILURE_POLICIES.includes(onFailure)) invalid(what, '`onFailure` is unknown');
  const info: HandlerInfo = {
    id: text(value, 'id', what),
    patterns,
    config: value.config,
    onFailure: onFailure as FailurePolicy,
    calls: count(value, 'calls', what),
    failures: count(value, 'failures', what),
  };
  if (value.lastError === undefined) return info;
  return { ...info, lastError: text(value, 'lastError', what) };
}

function exporterStatus(value: unknown): ExporterStatus {
  const what = 'exporter listing';
  if (!isRecord(value)) invalid(what, 'holds an exporter that is not an object');
  const name = text(value, 'name', what);
  const details = record(value, 'details', what);
  return {
    name,
    ...(value.queued === undefined ? {} : { queued: tally(value, 'queued', what) }),
    sent: tally(value, 'sent', what),
    failed: tally(value, 'failed', what),
    ...(value.breaker === undefined ? {} : { breaker: text(value, 'breaker', what) }),
    ...(value.lastError === undefined ? {} : { lastError: text(value, 'lastError', what) }),
    details,
  };
}

// a count of things: a finite number, not below zero
function tally(body: Json, key: string, what: string): number {
  const value = count(body, key, what);
  return Number.isFinite(value) && value >= 0 ? value : invalid(what, `\`${key}\` is not a count`);
}
