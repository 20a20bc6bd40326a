// Prometheus exposition format: metric names match [a-zA-Z_:][a-zA-Z0-9_:]*, label names
// [a-zA-Z_][a-zA-Z0-9_]* and must not start with "__" (reserved). The naming guide (and
// `promtool check metrics`) asks for snake_case, base units (seconds, bytes) as a suffix and
// `_total` on counters. Label values and help text are escaped by prom-client.

import { baseUnitOf } from '../../metrics/units.js';

/**
 * snake_case: `heapUsed` → `heap_used`, `HTTPStatus` → `http_status`. A run of capitals is one
 * word; everything is lower-cased, so what `promtool` calls camelCase cannot remain.
 */
function snakeCase(s: string): string {
  return s
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1_$2')
    .toLowerCase();
}

/**
 * Turns an isotel metric name into a valid snake_case Prometheus metric name. The colon, which
 * the format reserves for recording rules, is replaced too.
 * @example sanitizeMetricName('runtime.memory.heapUsed') // 'runtime_memory_heap_used'
 */
export function sanitizeMetricName(name: string): string {
  const out = snakeCase(name).replace(/[^a-z0-9_]/g, '_');
  return /^[a-z_]/.test(out) ? out : `_${out}`;
}

/**
 * Turns a tag into a valid snake_case Prometheus label name that is not reserved.
 * @example sanitizeLabelName('handlerId') // 'handler_id'
 */
export function sanitizeLabelName(tag: string): string {
  let out = snakeCase(tag).replace(/[^a-z0-9_]/g, '_');
  if (!/^[a-z_]/.test(out)) out = `_${out}`;
  while (out.startsWith('__')) out = out.slice(1);
  return out === '_' || out.length === 0 ? 'label' : out;
}

// unit words a name may already end with; replaced by the base unit's suffix
const UNIT_WORDS =
  /_(nanoseconds|microseconds|milliseconds|seconds|minutes|hours|bytes|kilobytes|megabytes|gigabytes|terabytes|kibibytes|mebibytes|gibibytes|tebibytes)$/;

/**
 * The full exposed name: sanitised, with the base-unit suffix of a time (`_seconds`) or byte
 * (`_bytes`) metric whatever unit it is defined in (the reporter converts the values), and
 * `_total` for counters and sums. A counter counts events, so it has no unit suffix. A unit
 * isotel does not know adds no suffix.
 * @example prometheusName('upload.done.bytes', 'sum', 'megabyte', '') // 'upload_done_bytes_total'
 */
export function prometheusName(name: string, type: string, unit: string | undefined, prefix: string): string {
  let out = sanitizeMetricName(prefix + name);
  if (out.endsWith('_total') && out.length > '_total'.length) out = out.slice(0, -'_total'.length);
  const base = type === 'counter' ? undefined : baseUnitOf(unit)?.base;
  if (base !== undefined) {
    const suffix = `_${base}s`;
    const word = UNIT_WORDS.exec(out);
    if (word !== null && word.index > 0) out = out.slice(0, word.index);
    out += suffix;
  }
  if ((type === 'counter' || type === 'sum') && !out.endsWith('_total')) out += '_total';
  return out;
}
