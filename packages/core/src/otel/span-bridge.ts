import {
  type Attributes,
  type AttributeValue,
  type Context,
  context,
  ROOT_CONTEXT,
  type Span,
  type SpanContext,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { addSpanScope, type Telemetry } from '../bus/telemetry.js';
import type { Measurements, Metadata } from '../bus/types.js';
import { IsotelError } from '../errors/isotel-error.js';
import { VERSION } from '../version.js';
import { scalarValue } from './scalar-value.js';

/** Options of {@link bridgeSpans}. */
export interface SpanBridgeOptions {
  /** The tracer spans are started on. @default trace.getTracer('isotel', VERSION) */
  tracer?: Tracer;
  /** Span prefixes (patterns) to bridge: `'checkout.**'` bridges `checkout.**.start|stop|exception`. @default ['**'] */
  prefixes?: readonly string[];
  /** Open spans kept waiting for their stop; past it the oldest is ended as abandoned. @default 10000 */
  maxOpenSpans?: number;
  /** Handler id prefix. @default 'isotel.otel.spans' */
  id?: string;
}

/** Counters of a span bridge. */
export interface SpanBridgeStats {
  readonly started: number;
  readonly ended: number;
  readonly failed: number;
  /** Open spans now. */
  readonly open: number;
  /** Stop or exception events whose start was never seen (not exported). */
  readonly orphans: number;
  /** Spans ended early because more than `maxOpenSpans` were open. */
  readonly abandoned: number;
}

/** An attached span bridge. */
export interface SpanBridge {
  stats(): SpanBridgeStats;
  /** Detaches; open spans are ended as abandoned. Also runs at `t.shutdown()`. */
  detach(): void;
}

interface Open {
  readonly span: Span;
  readonly startEpoch: number;
}

// keys that are the span's own structure, not attributes
// kept as isotel.* attributes instead
const IDS = new Set(['spanId', 'parentSpanId', 'correlationId']);
// what an exception event's metadata adds; recorded as the exception, not as attributes
const EXCEPTION_KEYS = new Set(['spanId', 'parentSpanId', 'correlationId', 'error', 'kind']);

/**
 * Turns `<prefix>.start` / `.stop` / `.exception` events into OpenTelemetry spans named
 * `<prefix>`: parent links from `parentSpanId` (a span without a bridged parent is a child of the
 * OpenTelemetry span active where it starts, if any), and the code inside an isotel span runs with
 * its OpenTelemetry span active, so spans of OpenTelemetry instrumentations started there (an
 * HTTP client, a database driver) are its children; metadata as attributes, the exception recorded
 * as an event with an error status. Start and end times come from the events, not from the
 * moment the handler runs.
 *
 * @example bridgeSpans(t, { tracer: provider.getTracer('shop') })
 */
export function bridgeSpans(t: Telemetry, options: SpanBridgeOptions = {}): SpanBridge {
  const tracer = options.tracer ?? trace.getTracer('isotel', VERSION);
  const prefixes = options.prefixes ?? ['**'];
  const maxOpen = options.maxOpenSpans ?? 10_000;
  if (!Number.isInteger(maxOpen) || maxOpen < 1) {
    throw new IsotelError('invalid_argument', `maxOpenSpans must be a positive integer, got ${String(maxOpen)}.`);
  }
  const open = new Map<string, Open>();
  // Spans that ended recently, so a child started after its parent ended (a callback, a
  // fire-and-forget task) still joins the parent's trace; bounded like the open spans.
  const recentlyEnded = new Map<string, SpanContext>();
  let started = 0;
  let ended = 0;
  let failed = 0;
  let orphans = 0;
  let abandoned = 0;

  const onStart = (name: string, m: Measurements, md: Metadata) => {
    const spanId = md.spanId;
    if (typeof spanId !== 'string') return;
    const parentId = md.parentSpanId;
    const parent = typeof parentId === 'string' ? open.get(parentId) : undefined;
    const endedParent = parent === undefined && typeof parentId === 'string' ? recentlyEnded.get(parentId) : undefined;
    const ctx =
      parent !== undefined
        ? trace.setSpan(ROOT_CONTEXT, parent.span)
        : endedParent !== undefined
          ? trace.setSpanContext(ROOT_CONTEXT, endedParent)
          : outside(md);
    const startEpoch = typeof m.systemTime === 'number' ? m.systemTime : Date.now();
    const span = tracer.startSpan(
      name.slice(0, -'.start'.length),
      { startTime: startEpoch, attributes: attributes(md) },
      ctx,
    );
    if (open.size >= maxOpen) {
      const [oldestId, oldest] = open.entries().next().value as [string, Open];
      oldest.span.setAttribute('isotel.abandoned', true);
      oldest.span.end();
      open.delete(oldestId);
      abandoned++;
    }
    open.set(spanId, { span, startEpoch });
    started++;
  };

  const onEnd = (name: string, m: Measurements, md: Metadata) => {
    const spanId = md.spanId;
    if (typeof spanId !== 'string') return;
    const entry = open.get(spanId);
    if (entry === undefined) {
      orphans++;
      return;
    }
    open.delete(spanId);
    const { span } = entry;
    if (recentlyEnded.size >= maxOpen) recentlyEnded.delete(recentlyEnded.keys().next().value as string);
    recentlyEnded.set(spanId, span.spanContext());
    span.setAttributes(attributes(md, name.endsWith('.exception') ? EXCEPTION_KEYS : IDS));
    if (name.endsWith('.exception')) {
      const error = md.error;
      if (error instanceof Error) span.recordException(error);
      else span.recordException(String(error));
      if (typeof md.kind === 'string') span.setAttribute('isotel.exception.kind', md.kind);
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
      failed++;
    }
    const duration = typeof m.duration === 'number' ? m.duration : 0;
    span.end(entry.startEpoch + duration);
    ended++;
  };

  const id = options.id ?? 'isotel.otel.spans';
  const startPatterns = prefixes.map((p) => `${p}.start`);
  const endPatterns = prefixes.flatMap((p) => [`${p}.stop`, `${p}.exception`]);
  t.attachMany(`${id}:start`, startPatterns, onStart, { onFailure: 'keep' });
  t.attachMany(`${id}:end`, endPatterns, onEnd, { onFailure: 'keep' });
  // the code inside an isotel span runs with its OpenTelemetry span active
  const removeScope = addSpanScope(t, (spanId, run) => {
    const entry = open.get(spanId);
    return entry === undefined ? run() : context.with(trace.setSpan(context.active(), entry.span), run);
  });

  let detached = false;
  const detach = () => {
    if (detached) return;
    detached = true;
    unregister();
    removeScope();
    t.detach(`${id}:start`);
    t.detach(`${id}:end`);
    for (const { span } of open.values()) {
      span.setAttribute('isotel.abandoned', true);
      span.end();
      abandoned++;
    }
    open.clear();
  };
  const unregister = t.onShutdown(detach);
  return {
    stats: () => ({ started, ended, failed, open: open.size, orphans, abandoned }),
    detach,
  };
}

// The parent of a span with no bridged parent: the OpenTelemetry context active where it started
// (an HTTP server span of the OpenTelemetry instrumentation, a span the application opened), so
// isotel spans join the trace around them. Not for remote events: the collector re-emits a
// browser's spans inside its own ingest request, which is not their parent.
function outside(md: Metadata): Context {
  return md.remote === true ? ROOT_CONTEXT : context.active();
}

function attributes(md: Metadata, skip: ReadonlySet<string> = IDS): Attributes {
  const out: Attributes = {};
  for (const key in md) {
    if (skip.has(key)) continue;
    const value = toAttribute(md[key]);
    if (value !== undefined) out[key] = value;
  }
  if (typeof md.spanId === 'string') out['isotel.span_id'] = md.spanId;
  if (typeof md.parentSpanId === 'string') out['isotel.parent_span_id'] = md.parentSpanId;
  if (typeof md.correlationId === 'string') out['isotel.correlation_id'] = md.correlationId;
  return out;
}

function toAttribute(value: unknown): AttributeValue | undefined {
  if (Array.isArray(value)) {
    if (value.every((v) => typeof v === 'string')) return value as string[];
    if (value.every((v) => typeof v === 'number')) return value as number[];
    return undefined;
  }
  return scalarValue(value);
}
