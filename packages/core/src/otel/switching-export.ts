// The parts that let applyOtlpConfig re-point an OTLP signal at runtime: a processor that hands
// records to a batch processor it can replace (the old one is shut down, which sends its queue),
// a metric exporter whose target can be replaced, and a count of what each exporter shipped.
import type { Context } from '@opentelemetry/api';
import type { LogRecordProcessor, ReadWriteLogRecord } from '@opentelemetry/sdk-logs';
import type {
  AggregationOption,
  AggregationTemporality,
  InstrumentType,
  PushMetricExporter,
  ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';

/** An export's outcome as the SDK reports it (`code` 0 is success). */
interface ExportResult {
  code: number;
  error?: Error;
}

/** The shape shared by span and log record exporters. */
export interface BatchExporter<T> {
  export(items: T[], done: (result: ExportResult) => void): void;
  shutdown(): Promise<void>;
  forceFlush?(): Promise<void>;
}

/** `exporter`, with what it ships counted on `counter`. */
export function counted<T, E extends BatchExporter<T>>(exporter: E, counter: ExportCounter): E {
  return {
    export: (items: T[], done: (result: ExportResult) => void) =>
      exporter.export(items, counter.wrap(items.length, done)),
    shutdown: () => exporter.shutdown(),
    forceFlush: () => exporter.forceFlush?.() ?? Promise.resolve(),
  } as unknown as E;
}

/** What one OTLP signal's exporter has done since the pipeline started. */
export interface OtlpSignalStatus {
  /** Where records are sent now. */
  readonly url: string;
  /** Records (spans, log records, metric data points) the receiver accepted. */
  readonly sent: number;
  /** Records in exports that failed (after the exporter's own retries). */
  readonly failed: number;
  /** Export calls made. */
  readonly exports: number;
  /** The last export error's message, if any. */
  readonly lastError: string | undefined;
}

/** Counts what passes through an exporter's `export` callback. */
export class ExportCounter {
  url: string;
  sent = 0;
  failed = 0;
  exports = 0;
  lastError: string | undefined;

  constructor(url: string) {
    this.url = url;
  }

  wrap(count: number, done: (result: ExportResult) => void): (result: ExportResult) => void {
    this.exports++;
    return (result) => {
      // ExportResultCode.SUCCESS is 0
      if (result.code === 0) this.sent += count;
      else {
        this.failed += count;
        this.lastError = result.error?.message ?? 'export failed';
      }
      done(result);
    };
  }

  status(): OtlpSignalStatus {
    return { url: this.url, sent: this.sent, failed: this.failed, exports: this.exports, lastError: this.lastError };
  }
}

/** A span processor whose batch processor can be swapped; spans ending after the swap go to the new one. */
export class SwitchingSpanProcessor implements SpanProcessor {
  #current: SpanProcessor;

  constructor(initial: SpanProcessor) {
    this.#current = initial;
  }

  /** Installs `next` at once and shuts the previous one down, which exports what it still holds. */
  switchTo(next: SpanProcessor): Promise<void> {
    const previous = this.#current;
    this.#current = next;
    return previous.shutdown();
  }

  onStart(span: Span, parentContext: Context): void {
    this.#current.onStart(span, parentContext);
  }

  onEnd(span: ReadableSpan): void {
    this.#current.onEnd(span);
  }

  forceFlush(): Promise<void> {
    return this.#current.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.#current.shutdown();
  }
}

/** The same for log records. */
export class SwitchingLogRecordProcessor implements LogRecordProcessor {
  #current: LogRecordProcessor;

  constructor(initial: LogRecordProcessor) {
    this.#current = initial;
  }

  switchTo(next: LogRecordProcessor): Promise<void> {
    const previous = this.#current;
    this.#current = next;
    return previous.shutdown();
  }

  onEmit(logRecord: ReadWriteLogRecord, context?: Context): void {
    this.#current.onEmit(logRecord, context);
  }

  forceFlush(): Promise<void> {
    return this.#current.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.#current.shutdown();
  }
}

/**
 * A metric exporter whose target can be replaced. A periodic reader keeps one exporter for its
 * life, so applyOtlpConfig flushes the reader (the collection so far goes to the old target),
 * then switches: the next collection goes to the new one.
 */
export class SwitchingMetricExporter implements PushMetricExporter {
  #current: PushMetricExporter;
  #counter: ExportCounter;

  constructor(initial: PushMetricExporter, counter: ExportCounter) {
    this.#current = initial;
    this.#counter = counter;
  }

  switchTo(next: PushMetricExporter, url: string): Promise<void> {
    const previous = this.#current;
    this.#current = next;
    this.#counter.url = url;
    return previous.shutdown();
  }

  export(metrics: ResourceMetrics, done: (result: ExportResult) => void): void {
    let points = 0;
    for (const scope of metrics.scopeMetrics) for (const metric of scope.metrics) points += metric.dataPoints.length;
    this.#current.export(metrics, this.#counter.wrap(points, done));
  }

  forceFlush(): Promise<void> {
    return this.#current.forceFlush();
  }

  selectAggregationTemporality(instrumentType: InstrumentType): AggregationTemporality {
    // 1: CUMULATIVE, the OTLP default
    return this.#current.selectAggregationTemporality?.(instrumentType) ?? (1 as AggregationTemporality);
  }

  selectAggregation(instrumentType: InstrumentType): AggregationOption {
    // 0: DEFAULT, the instrument's own aggregation
    return this.#current.selectAggregation?.(instrumentType) ?? ({ type: 0 } as AggregationOption);
  }

  shutdown(): Promise<void> {
    return this.#current.shutdown();
  }
}
