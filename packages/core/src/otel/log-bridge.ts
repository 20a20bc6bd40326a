// types only: @isotel/core/otel needs @opentelemetry/api-logs installed only to type the logger
import type { AnyValue, AnyValueMap, Logger, SeverityNumber } from '@opentelemetry/api-logs';
import type { Telemetry } from '../bus/telemetry.js';
import type { Measurements, Metadata } from '../bus/types.js';
import { IsotelError } from '../errors/isotel-error.js';
import { scalarValue } from './scalar-value.js';

/** Options of {@link bridgeLogs}. */
export interface LogBridgeOptions {
  /** The logger records are emitted on (`loggerProvider.getLogger('isotel')`). */
  logger: Logger;
  /** Event patterns to bridge. @default ['**'] */
  patterns?: readonly string[];
  /**
   * Also bridge the `.start` / `.stop` events of spans (those with a `spanId`); by default they
   * are left to {@link bridgeSpans}, which makes them spans. `.exception` events are always bridged.
   * @default false
   */
  spanEvents?: boolean;
  /** Handler id. @default 'isotel.otel.logs' */
  id?: string;
}

/** An attached log bridge. */
export interface LogBridge {
  /** Log records emitted, and span start/stop events passed over. */
  stats(): { readonly emitted: number; readonly skipped: number };
  /** Detaches. Also runs at `t.shutdown()`. */
  detach(): void;
}

// the clock readings of an event: the first is the record's timestamp, neither is an attribute
const CLOCKS = new Set(['systemTime', 'monotonicTime']);
const MAX_DEPTH = 4;
// SeverityNumber.INFO and .ERROR, written out so nothing of @opentelemetry/api-logs is loaded
const INFO = 9 as SeverityNumber;
const ERROR = 17 as SeverityNumber;

/**
 * Turns isotel events into OpenTelemetry log records, as the OpenTelemetry events convention
 * shapes them: the event's name as the record's `eventName`, its `event.name` attribute and its
 * body; metadata and measurements as attributes (a measurement whose name a metadata key already
 * uses becomes `isotel.measurement.<name>`); the timestamp from `systemTime` when the event has
 * one. `.exception` events have severity ERROR and their `error` recorded as `exception.type`,
 * `exception.message` and `exception.stacktrace`; every other event INFO. Records carry the
 * OpenTelemetry context active where the event was emitted, so with {@link bridgeSpans} an event
 * inside an isotel span is correlated with its span.
 *
 * @example bridgeLogs(t, { logger: loggerProvider.getLogger('shop'), patterns: ['checkout.**'] })
 */
export function bridgeLogs(t: Telemetry, options: LogBridgeOptions): LogBridge {
  const logger = options?.logger;
  if (logger === undefined || typeof logger.emit !== 'function') {
    throw new IsotelError('invalid_argument', 'bridgeLogs needs an OpenTelemetry logger (options.logger).');
  }
  const patterns = options.patterns ?? ['**'];
  if (!Array.isArray(patterns) || patterns.length === 0) {
    throw new IsotelError('invalid_argument', 'bridgeLogs needs at least one event pattern.');
  }
  const spanEvents = options.spanEvents === true;
  let emitted = 0;
  let skipped = 0;

  const onEvent = (name: string, m: Measurements, md: Metadata) => {
    const exception = name.endsWith('.exception');
    if (!spanEvents && !exception && typeof md.spanId === 'string' && isSpanBoundary(name)) {
      skipped++;
      return;
    }
    const attributes: AnyValueMap = {};
    for (const key in md) {
      if (exception && key === 'error') continue;
      const value = toAnyValue(md[key], 0);
      if (value !== undefined) attributes[key] = value;
    }
    for (const key in m) {
      if (CLOCKS.has(key)) continue;
      const value = m[key];
      if (typeof value !== 'number' || !Number.isFinite(value)) continue;
      attributes[key in attributes ? `isotel.measurement.${key}` : key] = value;
    }
    attributes['event.name'] = name;
    logger.emit({
      eventName: name,
      body: name,
      timestamp: typeof m.systemTime === 'number' ? m.systemTime : Date.now(),
      severityNumber: exception ? ERROR : INFO,
      severityText: exception ? 'ERROR' : 'INFO',
      attributes,
      ...(exception && md.error !== undefined ? { exception: md.error } : {}),
    });
    emitted++;
  };

  const id = options.id ?? 'isotel.otel.logs';
  t.attachMany(id, patterns, onEvent, { onFailure: 'keep' });
  let detached = false;
  const detach = () => {
    if (detached) return;
    detached = true;
    unregister();
    t.detach(id);
  };
  const unregister = t.onShutdown(detach);
  return { stats: () => ({ emitted, skipped }), detach };
}

function isSpanBoundary(name: string): boolean {
  return name.endsWith('.start') || name.endsWith('.stop');
}

// Log attributes may nest (maps, arrays); what cannot be sent (functions, symbols, cycles past
// the depth bound, non-finite numbers) is left out.
function toAnyValue(value: unknown, depth: number): AnyValue | undefined {
  if (typeof value !== 'object') return scalarValue(value);
  if (value === null) return null;
  if (depth >= MAX_DEPTH) return undefined;
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) {
    const out: AnyValue[] = [];
    for (const item of value) {
      const v = toAnyValue(item, depth + 1);
      if (v !== undefined) out.push(v);
    }
    return out;
  }
  const out: AnyValueMap = {};
  for (const [k, v] of Object.entries(value)) {
    const inner = toAnyValue(v, depth + 1);
    if (inner !== undefined) out[k] = inner;
  }
  return out;
}
