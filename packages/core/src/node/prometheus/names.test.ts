import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { prometheusName, sanitizeLabelName, sanitizeMetricName } from './names.js';

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

describe('Prometheus name sanitising', () => {
  it('always yields a valid snake_case metric name, and keeps snake_case names as they are', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), (name) => {
        const out = sanitizeMetricName(name);
        expect(out).toMatch(METRIC_NAME);
        // what promtool calls camelCase, and the colon reserved for recording rules
        expect(out).not.toMatch(/[a-z][A-Z]|:/);
        expect(sanitizeMetricName(out)).toBe(out);
      }),
    );
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z_][a-z0-9_]*$/), (name) => {
        expect(sanitizeMetricName(name)).toBe(name);
      }),
    );
  });

  it('turns camelCase into snake_case', () => {
    expect(sanitizeMetricName('runtime.memory.heapUsed')).toBe('runtime_memory_heap_used');
    expect(sanitizeMetricName('runtime.event_loop.delayP99')).toBe('runtime_event_loop_delay_p99');
    expect(sanitizeMetricName('api.HTTPStatus')).toBe('api_http_status');
    expect(sanitizeLabelName('handlerId')).toBe('handler_id');
    expect(sanitizeLabelName('handler_id')).toBe('handler_id');
  });

  it('always yields a valid label name that is not reserved', () => {
    fc.assert(
      fc.property(fc.string(), (tag) => {
        const label = sanitizeLabelName(tag);
        expect(label).toMatch(LABEL_NAME);
        expect(label).not.toMatch(/[a-z][A-Z]/);
        expect(label.startsWith('__')).toBe(false);
      }),
    );
  });

  it('names the base unit whatever unit the definition converts to, never a counter', () => {
    expect(prometheusName('upload.done.bytes', 'sum', 'megabyte', '')).toBe('upload_done_bytes_total');
    expect(prometheusName('upload.done.size', 'sum', 'kibibyte', '')).toBe('upload_done_size_bytes_total');
    expect(prometheusName('db.query.duration', 'summary', 'millisecond', '')).toBe('db_query_duration_seconds');
    expect(prometheusName('db.query.duration_milliseconds', 'summary', 'millisecond', '')).toBe(
      'db_query_duration_seconds',
    );
    expect(prometheusName('gc.pause', 'distribution', 'nanosecond', '')).toBe('gc_pause_seconds');
    expect(prometheusName('job.run.duration', 'counter', 'millisecond', '')).toBe('job_run_duration_total');
    // a unit isotel does not know is no suffix: the name cannot claim a unit it is not sure of
    expect(prometheusName('cart.size', 'lastValue', 'item', '')).toBe('cart_size');
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
