import type { Metadata } from '../../bus/types.js';
import type { IngestResponse, RejectedEvent } from '../../export/record.js';
import { type CheckedRecord, checkRecord, isPlainObject, type RecordRules } from './check-record.js';
import { sanitizeRemoteMetadata } from './flat-metadata.js';
import { idProblem } from './ids.js';
import type { ResolvedOptions } from './options.js';
import type { BatchClaim, CollectorState, MaybePromise } from './store/collector-store.js';

/** A batch whose envelope is valid; its events are still unchecked. */
export interface BatchEnvelope {
  readonly clientId: string;
  readonly sessionId: string | undefined;
  readonly resource: Metadata | undefined;
  readonly events: readonly unknown[];
}

/** Checks a parsed body's envelope (`{ clientId, sessionId?, resource?, events }`); a string says why not. */
export function readEnvelope(body: unknown, sanitize: ResolvedOptions['sanitize']): BatchEnvelope | string {
  if (!isPlainObject(body)) return 'The body must be a JSON object { clientId, events }.';
  const { clientId, sessionId, resource, events } = body;
  const clientProblem = idProblem(clientId);
  if (clientProblem !== undefined) return `"clientId" ${clientProblem}.`;
  const sessionProblem = sessionId === undefined ? undefined : idProblem(sessionId);
  if (sessionProblem !== undefined) return `"sessionId" ${sessionProblem}.`;
  if (resource !== undefined && !isPlainObject(resource)) return '"resource" must be an object when present.';
  if (!Array.isArray(events)) return '"events" must be an array of event records.';
  return {
    clientId: clientId as string,
    sessionId: sessionId as string | undefined,
    resource: resource === undefined ? undefined : sanitize(resource),
    events,
  };
}

/** A batch not handled because ids of it are held by a claim not yet confirmed: retry after `pendingMs`. */
export interface PendingBatch {
  readonly pendingMs: number;
}

/** What one batch did, for the response and the collector's counters. */
export interface IngestOutcome {
  readonly response: IngestResponse;
  readonly rejectedCodes: readonly string[];
}

/**
 * Checks every event of a batch, drops those already seen, and re-emits the rest on the server's
 * bus with `remote: true`, `node`, `clientId`, `sessionId`, `eventId` and `time` (these standard
 * keys win over the record's own metadata, which wins over the batch's `resource`). `clientId` is
 * always the batch's; `sessionId` is the record's when it has one, else the batch's. Valid events
 * are kept even when others in the batch are refused.
 */
export function ingestBatch(
  batch: BatchEnvelope,
  options: ResolvedOptions,
  rules: RecordRules,
  store: Pick<CollectorState, 'claim' | 'confirm'>,
  control: unknown,
): MaybePromise<IngestOutcome | PendingBatch> {
  const now = Date.now();
  const rejected: RejectedEvent[] = [];
  const rejectedCodes: string[] = [];
  const valid: CheckedRecord[] = [];
  const ids: string[] = [];
  for (let index = 0; index < batch.events.length; index++) {
    const checked = checkRecord(batch.events[index], index, rules);
    if (!('name' in checked)) {
      rejected.push(checked);
      rejectedCodes.push(checked.code);
      continue;
    }
    valid.push(checked);
    ids.push(checked.id);
  }
  // the ids are claimed together: one round trip to a shared store per batch
  const claim = store.claim(ids, now);
  const finish = ({ fresh, pendingMs }: BatchClaim): MaybePromise<IngestOutcome | PendingBatch> => {
    if (pendingMs !== undefined) return { pendingMs };
    const { telemetry, node } = options;
    const owned = options.sanitize === sanitizeRemoteMetadata;
    const emitted: string[] = [];
    for (let i = 0; i < valid.length; i++) {
      if (fresh[i] !== true) continue;
      const checked = valid[i] as CheckedRecord;
      emitted.push(checked.id);
      telemetry.emit(checked.name, checked.measurements, remoteMetadata(checked, batch, node, owned));
    }
    const accepted = emitted.length;
    const duplicates = valid.length - accepted;
    const limits = { maxEvents: options.maxEventsPerBatch, maxBytes: options.maxBodyBytes };
    const outcome: IngestOutcome = { response: { accepted, duplicates, rejected, control, limits }, rejectedCodes };
    // confirmed once emitted, answered once confirmed: a collector killed in between leaves a
    // claim that lapses, so the client's retry is emitted (not dropped as a duplicate)
    const confirmed = accepted === 0 ? undefined : store.confirm(emitted, now);
    return confirmed instanceof Promise ? confirmed.then(() => outcome) : outcome;
  };
  return claim instanceof Promise ? claim.then(finish) : finish(claim);
}

// `owned`: the record's metadata is an object only this batch holds (parsed from the body, or
// made by the default sanitiser), so without a batch `resource` to merge under it the standard
// keys are written onto it in place instead of onto a copy; key order and values are the same.
function remoteMetadata(record: CheckedRecord, batch: BatchEnvelope, node: string, owned: boolean): Metadata {
  let metadata: Metadata;
  if (owned && batch.resource === undefined) metadata = record.metadata;
  else {
    metadata = batch.resource === undefined ? {} : { ...batch.resource };
    Object.assign(metadata, record.metadata);
  }
  metadata.remote = true;
  metadata.node = node;
  metadata.clientId = batch.clientId; // the id the batch was rate-limited and given control under
  const sessionId = record.sessionId ?? batch.sessionId;
  if (sessionId !== undefined) metadata.sessionId = sessionId;
  metadata.eventId = record.id;
  metadata.time = record.time;
  if (record.correlationId !== undefined) metadata.correlationId = record.correlationId;
  if (record.spanId !== undefined) metadata.spanId = record.spanId;
  if (record.parentSpanId !== undefined) metadata.parentSpanId = record.parentSpanId;
  if (record.sampleRate !== undefined) metadata.sampleRate = record.sampleRate;
  return metadata;
}
