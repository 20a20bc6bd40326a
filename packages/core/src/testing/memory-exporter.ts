import { type BrowserExporter, createBrowserExporter } from '../browser/browser-exporter.js';
import type { BrowserExporterOptions } from '../browser/exporter-options.js';
import type { Telemetry } from '../bus/telemetry.js';
import type { EventBatch, EventRecord, IngestResponse } from '../export/record.js';

/** Options of {@link createMemoryExporter}: the exporter's own, minus where it ships. */
export type MemoryExporterOptions = Omit<BrowserExporterOptions, 'url' | 'fetch' | 'storage'>;

/** An exporter that ships into memory: what a real exporter would have sent, for assertions. */
export interface MemoryExporter {
  /** The batches it was asked to ship, oldest first. */
  readonly batches: readonly EventBatch[];
  /** Every record of every batch, oldest first. */
  readonly records: readonly EventRecord[];
  /** Ships what is queued now. */
  flush(): Promise<void>;
  /** The exporter's counters. */
  stats(): ReturnType<BrowserExporter['stats']>;
  /** Forgets what was shipped so far. */
  clear(): void;
  /** Detaches and flushes the tail. */
  shutdown(): Promise<void>;
}

const MEMORY_URL = 'http://isotel.memory.invalid';

/**
 * The real batching exporter (record encoding, batching, sampling control, bounds) with memory
 * storage and a transport that records each batch instead of sending it, answering as a
 * collector would. Use it to test what an app's instrumentation would ship.
 *
 * @example
 * const exporter = createMemoryExporter(t)
 * t.emit('checkout.payment.stop', { duration: 12 }, { orderId: 'o-1' })
 * await exporter.flush()
 * expect(exporter.records.map((r) => r.name)).toEqual(['checkout.payment.stop'])
 */
export function createMemoryExporter(telemetry: Telemetry, options: MemoryExporterOptions = {}): MemoryExporter {
  let batches: EventBatch[] = [];
  const record: typeof fetch = async (_url, init) => {
    const batch = JSON.parse(String(init?.body)) as EventBatch;
    batches.push(batch);
    const answer: IngestResponse = { accepted: batch.events.length, duplicates: 0, rejected: [] };
    return new Response(JSON.stringify(answer), { status: 200, headers: { 'content-type': 'application/json' } });
  };
  const exporter = createBrowserExporter(telemetry, {
    lifecycle: false,
    liveControl: false,
    ...options,
    url: MEMORY_URL,
    storage: 'memory',
    fetch: record,
  });
  return {
    get batches() {
      return [...batches];
    },
    get records() {
      return batches.flatMap((b) => b.events);
    },
    flush: () => exporter.flush(),
    stats: () => exporter.stats(),
    clear() {
      batches = [];
    },
    shutdown: () => exporter.shutdown(),
  };
}
