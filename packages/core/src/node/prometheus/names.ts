// Prometheus exposition format: metric names match [a-zA-Z_:][a-zA-Z0-9_:]*, label names
// [a-zA-Z_][a-zA-Z0-9_]* and must not start with "__" (reserved). Label values and help text
// are escaped by prom-client when it writes the exposition.

/**
 * Turns an isotel metric name into a valid Prometheus metric name.
 * @example sanitizeMetricName('http.request.stop.duration') // 'http_request_stop_duration'
 */
export function sanitizeMetricName(name: string): string {
  const out = name.replace(/[^a-zA-Z0-9_:]/g, '_');
  return /^[a-zA-Z_:]/.test(out) ? out : `_${out}`;
}

/**
 * Turns a tag into a valid Prometheus label name that is not reserved.
 * @example sanitizeLabelName('http.status') // 'http_status'
 */
export function sanitizeLabelName(tag: string): string {
  let out = tag.replace(/[^a-zA-Z0-9_]/g, '_');
  if (!/^[a-zA-Z_]/.test(out)) out = `_${out}`;
  while (out.startsWith('__')) out = out.slice(1);
  return out === '_' || out.length === 0 ? 'label' : out;
}

const UNIT_SUFFIX: Record<string, string> = {
  second: 'seconds',
  millisecond: 'milliseconds',
  byte: 'bytes',
};

/** The full exposed name: sanitised, with a base-unit suffix and `_total` for counters, as the naming guide asks. */
export function prometheusName(name: string, type: string, unit: string | undefined, prefix: string): string {
  let out = sanitizeMetricName(prefix + name);
  if (out.endsWith('_total') && out.length > '_total'.length) out = out.slice(0, -'_total'.length);
  const suffix = unit === undefined ? undefined : UNIT_SUFFIX[unit];
  if (suffix !== undefined && type !== 'counter' && !out.endsWith(`_${suffix}`)) out += `_${suffix}`;
  if ((type === 'counter' || type === 'sum') && !out.endsWith('_total')) out += '_total';
  return out;
}
