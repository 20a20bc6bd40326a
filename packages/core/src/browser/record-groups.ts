import type { RecordGroup } from './event-queue.js';
import type { RecordSource } from './record-encoder.js';
import { batchBody, KEEPALIVE_BUDGET_BYTES, utf8Length } from './transport.js';

/** Keepalive bodies stay a little under the 64 KiB budget: headers and a concurrent beacon share it. */
export const KEEPALIVE_BODY_BYTES = KEEPALIVE_BUDGET_BYTES - 4 * 1024;

/**
 * Chromium wraps IndexedDB values over 64 KiB in Blobs, which costs far more main-thread time
 * than the clone itself: buffered records are cut into segments below this size...
 */
export const SEGMENT_MAX_CHARS = 48 * 1024;

/** ...and written, several segments per transaction, at the latest when this much is buffered. */
export const WRITE_MAX_CHARS = 8 * SEGMENT_MAX_CHARS;

/** Cuts buffered records into groups of at most {@link SEGMENT_MAX_CHARS} (a bigger record alone). */
export function segmentsOf(records: string[], bytes: number): RecordGroup[] {
  if (bytes <= SEGMENT_MAX_CHARS) return [{ records, bytes }];
  const groups: RecordGroup[] = [];
  let start = 0;
  let size = 0;
  for (let i = 0; i < records.length; i++) {
    const length = (records[i] as string).length;
    if (size + length > SEGMENT_MAX_CHARS && i > start) {
      groups.push({ records: records.slice(start, i), bytes: size });
      start = i;
      size = 0;
    }
    size += length;
  }
  groups.push({ records: records.slice(start), bytes: size });
  return groups;
}

/** The newest records whose JSON fits in `budget` characters, in their original order. */
export function newestWithin(records: readonly string[], budget: number): string[] {
  let bytes = 0;
  let start = records.length;
  while (start > 0 && bytes + (records[start - 1] as string).length + 1 <= budget) {
    start--;
    bytes += (records[start] as string).length + 1;
  }
  return records.slice(start);
}

/**
 * Character counts equal UTF-8 bytes only for ASCII: drops records from the end until the real
 * body fits (the dropped ones stay queued for the next request).
 */
export function fitUtf8(
  records: string[],
  source: RecordSource,
  resource: string | undefined,
  budget: number,
): string[] {
  let fitted = records;
  while (fitted.length > 1 && utf8Length(batchBody(source.clientId, source.sessionId, resource, fitted)) > budget) {
    fitted = fitted.slice(0, Math.max(1, Math.floor(fitted.length * 0.9)));
  }
  return fitted;
}
