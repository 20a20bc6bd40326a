import { describe, expect, it } from 'vitest';
import { DEFAULT_CONTROL } from '../control/control-state.js';
import { codeOf } from '../errors/errors.test-kit.js';
import {
  parseCollectorStats,
  parseControlAnswer,
  parseExporterListing,
  parseHandlerListing,
  parseProblem,
  parseStreamControl,
  parseStreamEvent,
  streamMessage,
} from './collector-wire.js';

const handler = { id: 'log', patterns: ['a.*'], onFailure: 'keep', calls: 1, failures: 0 };

describe('the collector wire parsers accept exactly what the collector sends', () => {
  it('frames stream messages as Server-Sent Events', () => {
    expect(streamMessage('shutdown', {})).toBe('event: shutdown\ndata: {}\n\n');
    expect(streamMessage('event', { name: 'a.b', measurements: { n: 1 }, metadata: {} })).toBe(
      'event: event\ndata: {"name":"a.b","measurements":{"n":1},"metadata":{}}\n\n',
    );
  });

  it('reads a stream event, null measurements (JSON for non-finite numbers) as NaN', () => {
    const data = JSON.stringify({
      name: 'a.b',
      measurements: { n: 1, inf: Number.POSITIVE_INFINITY },
      metadata: { k: 'v' },
    });
    expect(parseStreamEvent(data)).toEqual({
      name: 'a.b',
      measurements: { n: 1, inf: Number.NaN },
      metadata: { k: 'v' },
    });
  });

  it('refuses stream events of other shapes', () => {
    for (const data of [
      'not json',
      '[]',
      '{"events":[]}',
      '{"name":"a.b"}',
      '{"name":1,"measurements":{},"metadata":{}}',
      '{"name":"a.b","measurements":{"n":"1"},"metadata":{}}',
      '{"name":"a.b","measurements":[],"metadata":{}}',
    ]) {
      expect(
        codeOf(() => parseStreamEvent(data)),
        data,
      ).toBe('invalid_answer');
    }
  });

  it('reads a pushed control with the bus parser', () => {
    expect(parseStreamControl(JSON.stringify(DEFAULT_CONTROL))).toEqual(DEFAULT_CONTROL);
    expect(codeOf(() => parseStreamControl('{"sampleRate":2}'))).toBe('invalid_control');
  });

  it('reads a handler listing, and refuses a bare array or a malformed handler', () => {
    expect(parseHandlerListing({ handlers: [handler, { ...handler, id: 'x', lastError: 'boom' }] }).handlers).toEqual([
      handler,
      { ...handler, id: 'x', lastError: 'boom' },
    ]);
    for (const body of [
      [handler],
      {},
      { handlers: [{ ...handler, id: 1 }] },
      { handlers: [{ ...handler, patterns: 'a.*' }] },
      { handlers: [{ ...handler, onFailure: 'retry' }] },
      { handlers: [{ ...handler, calls: '1' }] },
    ]) {
      expect(
        codeOf(() => parseHandlerListing(body)),
        JSON.stringify(body),
      ).toBe('invalid_answer');
    }
  });

  it('reads control answers, global and per client', () => {
    expect(parseControlAnswer({ control: DEFAULT_CONTROL })).toEqual({ control: DEFAULT_CONTROL });
    expect(parseControlAnswer({ clientId: 'c1', control: { ...DEFAULT_CONTROL, sampleRate: 0.5 } })).toEqual({
      clientId: 'c1',
      control: { ...DEFAULT_CONTROL, sampleRate: 0.5 },
    });
    expect(codeOf(() => parseControlAnswer(DEFAULT_CONTROL))).toBe('invalid_answer');
    expect(codeOf(() => parseControlAnswer({ control: { sampleRate: 2 } }))).toBe('invalid_control');
    expect(codeOf(() => parseControlAnswer({}))).toBe('invalid_answer');
    expect(codeOf(() => parseControlAnswer({ clientId: 1, control: DEFAULT_CONTROL }))).toBe('invalid_answer');
  });

  it('refuses stats of another shape (`dropped` instead of `rejected`, a missing counter)', () => {
    const store = {
      kind: 'memory',
      status: 'up',
      fallbacks: 0,
      dedupe: { size: 0, capacity: 10 },
      rateLimitedClients: 0,
      rateLimitedAddresses: 0,
    };
    const stats = {
      node: 'n1',
      responses: { '200': 3 },
      batches: 1,
      accepted: 2,
      duplicates: 0,
      rejected: { invalid_name: 1 },
      rateLimited: 0,
      streams: { open: 1, opened: 2, droppedSlow: 0 },
      store,
      dedupe: store.dedupe,
      rateLimitedClients: 0,
      rateLimitedAddresses: 0,
      controlOverrides: 0,
      inFlight: 0,
      receivingBytes: 0,
      draining: false,
    };
    expect(parseCollectorStats(stats)).toEqual(stats);
    const { rejected, ...withoutRejected } = stats;
    expect(codeOf(() => parseCollectorStats({ ...withoutRejected, dropped: rejected }))).toBe('invalid_answer');
    expect(codeOf(() => parseCollectorStats({ ...stats, streams: {} }))).toBe('invalid_answer');
    expect(codeOf(() => parseCollectorStats({ ...stats, store: { ...store, status: 'down' } }))).toBe('invalid_answer');
    expect(codeOf(() => parseCollectorStats({ ...stats, rejected: { x: '1' } }))).toBe('invalid_answer');
  });

  it('reads an exporter listing: optional queued, breaker and last error; details as sent', () => {
    const statsd = { name: 'statsd', sent: 100, failed: 2, lastError: 'EHOSTUNREACH', details: { recorded: 100 } };
    const otlp = { name: 'otlp', queued: 3, sent: 40, failed: 0, breaker: 'closed', details: { logs: { sent: 40 } } };
    expect(parseExporterListing({ exporters: [statsd, otlp] })).toEqual({ exporters: [statsd, otlp] });
    expect(parseExporterListing({ exporters: [] })).toEqual({ exporters: [] });
    // a key the collector does not send is not carried over
    expect(parseExporterListing({ exporters: [{ ...statsd, extra: 1 }] }).exporters[0]).toEqual(statsd);
  });

  it('refuses exporter listings of other shapes, and hostile ones', () => {
    const row = { name: 'statsd', sent: 1, failed: 0, details: {} };
    for (const body of [
      [row],
      {},
      { exporters: {} },
      { exporters: [null] },
      { exporters: ['statsd'] },
      { exporters: [{ ...row, name: 7 }] },
      { exporters: [{ ...row, sent: '1' }] },
      { exporters: [{ ...row, sent: -1 }] },
      { exporters: [{ ...row, failed: undefined }] },
      { exporters: [{ ...row, queued: null }] },
      { exporters: [{ ...row, breaker: { state: 'open' } }] },
      { exporters: [{ ...row, lastError: 1 }] },
      { exporters: [{ ...row, details: [] }] },
      { exporters: [{ ...row, details: 'x' }] },
      { exporters: [row, row] },
    ]) {
      expect(
        codeOf(() => parseExporterListing(body)),
        JSON.stringify(body),
      ).toBe('invalid_answer');
    }
    // JSON's own oddities: a `__proto__` key is read as data, never as a prototype
    const parsed = parseExporterListing(
      JSON.parse(
        '{"exporters":[{"name":"a","sent":1,"failed":0,"details":{"__proto__":{"polluted":1}}}],"__proto__":{"x":1}}',
      ),
    );
    expect(Object.getPrototypeOf(parsed.exporters[0]?.details)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(
      codeOf(() =>
        parseExporterListing(JSON.parse('{"exporters":[{"name":"a","sent":1e999,"failed":0,"details":{}}]}')),
      ),
    ).toBe('invalid_answer');
  });

  it('reads a refusal only as `{ error: { code, message } }`', () => {
    expect(parseProblem({ error: { code: 'forbidden', message: 'No.' } })).toEqual({
      error: { code: 'forbidden', message: 'No.' },
    });
    expect(parseProblem({ message: 'No.' })).toBeUndefined();
    expect(parseProblem({ error: 'No.' })).toBeUndefined();
    expect(parseProblem('<html>')).toBeUndefined();
  });
});
