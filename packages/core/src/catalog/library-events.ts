import type { CatalogSpec } from './schema.js';

/**
 * The library's own events (`telemetry.*`, `isotel.*`), described like any other so its health
 * is observable with the same tools. Every catalog includes them, so a catalog can describe what
 * reaches a bus; a collector accepts from clients only the ones a browser emits (handler failure,
 * control change, exporter flush and drop) and refuses the rest as `reserved_name`.
 */
export const LIBRARY_EVENTS = {
  'telemetry.handler.failure': {
    description: 'A handler threw or rejected; it was detached unless attached with onFailure: "keep".',
    measurements: { count: 'number' },
    metadata: { handlerId: 'string', event: 'string', error: 'unknown' },
  },
  'telemetry.control.change': {
    description: "The bus's runtime control changed (enabled, sampling, allow/deny).",
    measurements: { count: 'number' },
    metadata: { control: 'unknown', previous: 'unknown' },
  },
  'telemetry.config.change': {
    description: 'A key of a configuration bound to this bus changed (config.bind); secrets redacted.',
    measurements: { count: 'number' },
    metadata: { path: 'string', value: 'unknown', previous: 'unknown', source: 'string' },
  },
  'isotel.exporter.flush': {
    description: 'An exporter shipped (or failed to ship) one batch.',
    measurements: { events: 'number', duration: 'number?' },
    metadata: { outcome: 'string' },
  },
  'isotel.collector.ingest': {
    description: 'The collector handled one batch from a client.',
    measurements: {
      events: 'number?',
      accepted: 'number?',
      rejected: 'number?',
      duplicates: 'number?',
      duration: 'number?',
    },
    metadata: { node: 'string?', clientId: 'string?' },
  },
  'isotel.collector.refused': {
    description: 'The collector refused a request (auth, size, rate, validation).',
    measurements: { count: 'number' },
    metadata: { node: 'string?', status: 'number?', reason: 'string?' },
  },
  'isotel.collector.control.change': {
    description: "A client's control was changed on the collector.",
    measurements: { count: 'number' },
    metadata: { node: 'string?', clientId: 'string?' },
  },
  'isotel.collector.store': {
    description: "The health of the collector's shared-state store changed (up, degraded to per-process state).",
    measurements: { count: 'number' },
    metadata: { node: 'string?', store: 'string', status: 'string', reason: 'string?' },
  },
  'isotel.collector.handler.detach': {
    description: 'An admin detached a handler from the server bus through the collector.',
    measurements: { count: 'number' },
    metadata: { node: 'string?', handlerId: 'string' },
  },
  'isotel.collector.stream.open': {
    description: 'A devtools or client stream (SSE) was opened.',
    measurements: { count: 'number' },
    metadata: { node: 'string?', clientId: 'string?' },
  },
  'isotel.collector.stream.dropped': {
    description: 'A slow stream subscriber lost an event.',
    measurements: { count: 'number' },
    metadata: { node: 'string?' },
  },
} as const satisfies CatalogSpec;
