import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { prometheusName, sanitizeLabelName, sanitizeMetricName } from './names.js';

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

describe('Prometheus name sanitising', () => {
  it('always yields a valid metric name, and keeps valid names as they are', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), (name) => {
        expect(sanitizeMetricName(name)).toMatch(METRIC_NAME);
      }),
    );
    fc.assert(
      fc.property(fc.stringMatching(METRIC_NAME), (name) => {
        expect(sanitizeMetricName(name)).toBe(name);
      }),
    );
  });

  it('always yields a valid label name that is not reserved', () => {
    fc.assert(
      fc.property(fc.string(), (tag) => {
        const label = sanitizeLabelName(tag);
        expect(label).toMatch(LABEL_NAME);
        expect(label.startsWith('__')).toBe(false);
      }),
    );
  });

  it('adds base-unit and _total suffixes once', () => {
    expect(prometheusName('http.request.duration', 'distribution', 'second', '')).toBe('http_request_duration_seconds');
    expect(prometheusName('http.request.duration_seconds', 'summary', 'second', '')).toBe(
      'http_request_duration_seconds',
    );
    expect(prometheusName('jobs.done.count', 'counter', 'second', 'app_')).toBe('app_jobs_done_count_total');
    expect(prometheusName('bytes.sent_total', 'sum', 'byte', '')).toBe('bytes_sent_bytes_total');
  });
});
