import type { RecordGroup } from './event-queue.js';
import { KEEPALIVE_BUDGET_BYTES, utf8Length } from './transport.js';

/**
 * Keepalive bodies in flight stay a little under the 64 KiB budget, all together (the exporter
 * counts its own keepalive bytes in flight): a beacon of the page's own may share it.
 */
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

/**
 * The newest records whose UTF-8 JSON, with a comma each (and `extra` bytes each, for members
 * added when they are sent), fits in `budget` bytes, in their original order.
 */
export function newestWithin(records: readonly string[], budget: number, extra = 0): string[] {
  let bytes = 0;
  let start = records.length;
  while (start > 0) {
    const size = utf8Length(records[start - 1] as string) + 1 + extra;
    if (bytes + size > budget) break;
    bytes += size;
    start--;
  }
  return records.slice(start);
}
