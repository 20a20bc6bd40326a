import type { Metadata } from '../bus/types.js';
import type { ControlInput } from '../control/control-state.js';
import { IsotelError } from '../errors/isotel-error.js';
import { type BackoffOptions, type BackoffPolicy, backoffPolicy } from '../export/backoff.js';
import type { CircuitBreakerOptions } from '../export/circuit-breaker.js';
import type { ExporterStorage } from '../export/exporter-stats.js';

/** Runs `callback` after `delayMs`; returns a function that cancels it. */
export type Scheduler = (callback: () => void, delayMs: number) => () => void;

/** Options of {@link createBrowserExporter}. */
export interface BrowserExporterOptions {
  /** The collector's base URL; batches go to `<url>/v1/events`. */
  url: string;
  /** Ingest token, sent as `Authorization: Bearer` (in the query on keepalive requests). @default undefined */
  token?: string;
  /**
   * Whether the exporter takes events from the bus; off, it takes none (events emitted meanwhile
   * are not exported) but still sends what it had queued. {@link BrowserExporter.configure}
   * switches it. @default true
   */
  enabled?: boolean;
  /** Which events to ship: names or patterns. @default ['**'] */
  patterns?: readonly string[];
  /**
   * Events never shipped, even when `patterns` match. The default keeps out the exporter's own
   * `isotel.exporter.*` events: shipping them would make every flush queue new events to flush.
   * @default ['isotel.exporter.**']
   */
  exclude?: readonly string[];
  /** The handler id on the bus. @default 'isotel.browser-exporter' */
  handlerId?: string;
  /** Most events kept queued; the oldest go first (counted as `max_events`). @default 10000 */
  maxEvents?: number;
  /** Most JSON characters kept queued (counted as `max_bytes`). @default 5242880 (5 MiB) */
  maxBytes?: number;
  /** Events older than this are dropped unsent (counted as `max_age`). @default 86400000 (one day) */
  maxAgeMs?: number;
  /**
   * This many events emitted since the last flush trigger one now (besides `flushIntervalMs`).
   * It does not size requests: see `maxBatchEvents`. @default 100
   */
  batchSize?: number;
  /**
   * Most events in one request; a flush sends several requests when more are queued. The
   * default stays below the collector's default per-batch limit (1000), and once a collector
   * has answered, its advertised limits (`IngestResponse.limits`) cap this and `maxBatchBytes`,
   * so no request is sent that it would refuse; they are remembered in `localStorage` for the
   * origin's next pages. @default 500
   */
  maxBatchEvents?: number;
  /**
   * Most UTF-8 bytes of a request body (keepalive requests stay within 64 KiB regardless). A record
   * bigger than this (or than the collector's advertised `maxBytes`) is dropped as `too_large`.
   * A 413 from a server that advertised nothing (an older collector, a proxy) halves the refused
   * batch and sends it again, and keeps requests that small from then on. @default 524288
   */
  maxBatchBytes?: number;
  /** A flush runs at least this often while events are queued. @default 5000 */
  flushIntervalMs?: number;
  /** Emits are buffered in memory this long, then written to storage in one transaction. @default 25 */
  writeDelayMs?: number;
  /** A write happens at once when this many events are buffered. @default 2048 */
  writeBatchSize?: number;
  /** `'memory'` skips IndexedDB (it is used otherwise, falling back to memory where it fails). @default 'indexeddb' */
  storage?: ExporterStorage;
  /**
   * The IndexedDB database name; every tab and worker using the same name shares one queue.
   * @default 'isotel-exporter'
   */
  dbName?: string;
  /** The Web Lock that lets one tab (or worker) at a time flush. @default 'isotel-exporter-flush' */
  lockName?: string;
  /**
   * `true`: this exporter shares the origin's queue (`dbName`, `lockName`) with every tab and
   * worker of the origin: whichever holds the flush lock sends everyone's events, and what a
   * worker or page left behind when it ended is sent by the next one to start, whatever kind.
   * `false`: a queue of this kind of context alone — `<dbName>.worker` and `<lockName>.worker`
   * in a worker (`.window` in a page) — for a worker whose events must never wait on, or be
   * sent by, a page (and the reverse). Its leftovers then wait until the same kind runs again.
   * @default true
   */
  shareQueue?: boolean;
  /** Retry spacing. @default { baseMs: 1000, maxMs: 60000, factor: 2 } */
  backoff?: BackoffOptions;
  /** The circuit breaker around the endpoint. @default { failureThreshold: 5, openMs: 30000 } */
  breaker?: Omit<CircuitBreakerOptions, 'now'>;
  /** Instance-wide metadata sent with each batch (`service`, `version`, ...). @default undefined */
  resource?: Metadata;
  /**
   * Initial control (sampling, allow/deny, on/off). It stays in force until the collector sends a
   * control of its own (once one was set there for this client or globally), which then replaces
   * it with every answer. @default undefined
   */
  control?: ControlInput;
  /**
   * Follow the collector's control pushes over Server-Sent Events (`GET /v1/stream?clientId=`),
   * so control changes apply at once. Off by default: it holds one connection per tab open, and
   * the control also arrives with every flush answer.
   * @default false
   */
  liveControl?: boolean;
  /** Listen to `online`, `pagehide` and `visibilitychange`. @default true */
  lifecycle?: boolean;
  /**
   * A request not answered within this long is aborted and retried with backoff, like a network
   * failure, so a collector that never answers cannot hold the flush lock (and every tab) forever.
   * Runs on a real timer, not on `schedule`. @default 30000
   */
  requestTimeoutMs?: number;
  /**
   * `shutdown()` settles within this long (plus storage already being written): a request still
   * unanswered then is aborted, and its events stay queued in IndexedDB for the next page load
   * (in memory they are counted as `shutdown`). Runs on a real timer. @default 2000
   */
  shutdownTimeoutMs?: number;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
  /** The clock in epoch ms. @default Date.now */
  now?: () => number;
  /** Jitter source in [0, 1). @default Math.random */
  random?: () => number;
  /** Timers (tests inject one to see what was scheduled without waiting). @default setTimeout */
  schedule?: Scheduler;
}

/**
 * What {@link BrowserExporter.configure} changes while the exporter runs, as the configuration's
 * `exporter.*` keys say (see `applyExporterConfig`). Each is an option of the same name.
 */
export interface ExporterSettings {
  /** The collector's base URL; batches go to `<url>/v1/events`. */
  url?: string;
  /** Events emitted since the last flush that trigger one. */
  batchSize?: number;
  /** A flush runs at least this often while events are queued. */
  flushIntervalMs?: number;
  /** Whether the exporter takes events from the bus. */
  enabled?: boolean;
}

/** Options with defaults filled in and checked. */
export interface ResolvedExporterOptions {
  readonly enabled: boolean;
  readonly baseUrl: string;
  readonly endpoint: string;
  readonly token: string | undefined;
  readonly patterns: readonly string[];
  readonly exclude: readonly string[];
  readonly handlerId: string;
  readonly maxEvents: number;
  readonly maxBytes: number;
  readonly maxAgeMs: number;
  readonly batchSize: number;
  readonly maxBatchEvents: number;
  readonly maxBatchBytes: number;
  readonly flushIntervalMs: number;
  readonly writeDelayMs: number;
  readonly writeBatchSize: number;
  readonly storage: ExporterStorage;
  readonly dbName: string;
  readonly lockName: string;
  readonly backoff: BackoffPolicy;
  readonly breaker: Omit<CircuitBreakerOptions, 'now'>;
  readonly resource: string | undefined;
  readonly lifecycle: boolean;
  readonly liveControl: boolean;
  readonly requestTimeoutMs: number;
  readonly shutdownTimeoutMs: number;
  readonly fetch: typeof fetch;
  readonly now: () => number;
  readonly random: () => number;
  readonly schedule: Scheduler;
}

function count(name: string, value: number | undefined, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    throw new IsotelError(
      'invalid_argument',
      `createBrowserExporter: ${name} must be a number >= ${min}, got ${String(value)}.`,
    );
  }
  return value;
}

const defaultSchedule: Scheduler = (callback, delayMs) => {
  const handle = setTimeout(callback, delayMs);
  return () => clearTimeout(handle);
};

/** `worker` in a Web Worker of any kind, else `window`. */
export function contextKind(): 'worker' | 'window' {
  const scope = (globalThis as { WorkerGlobalScope?: abstract new () => unknown }).WorkerGlobalScope;
  return typeof scope === 'function' && globalThis instanceof scope ? 'worker' : 'window';
}

/** Fills defaults; throws `IsotelError` (`invalid_argument`) on misconfiguration. */
export function resolveExporterOptions(options: BrowserExporterOptions): ResolvedExporterOptions {
  if (typeof options?.url !== 'string' || options.url === '') {
    throw new IsotelError('invalid_argument', 'createBrowserExporter: url (the collector base URL) is required.');
  }
  const fetchFn = options.fetch ?? (globalThis.fetch?.bind(globalThis) as typeof fetch | undefined);
  if (fetchFn === undefined)
    throw new IsotelError('invalid_argument', 'createBrowserExporter: no fetch here; pass options.fetch.');
  const baseUrl = options.url.replace(/\/+$/, '');
  if (options.enabled !== undefined && typeof options.enabled !== 'boolean') {
    throw new IsotelError('invalid_argument', 'createBrowserExporter: enabled must be a boolean.');
  }
  if (options.shareQueue !== undefined && typeof options.shareQueue !== 'boolean') {
    throw new IsotelError('invalid_argument', 'createBrowserExporter: shareQueue must be a boolean.');
  }
  const scope = options.shareQueue === false ? `.${contextKind()}` : '';
  return {
    enabled: options.enabled ?? true,
    baseUrl,
    endpoint: `${baseUrl}/v1/events`,
    token: options.token,
    patterns: options.patterns ?? ['**'],
    exclude: options.exclude ?? ['isotel.exporter.**'],
    handlerId: options.handlerId ?? 'isotel.browser-exporter',
    maxEvents: count('maxEvents', options.maxEvents, 10_000),
    maxBytes: count('maxBytes', options.maxBytes, 5 * 1024 * 1024),
    maxAgeMs: count('maxAgeMs', options.maxAgeMs, 24 * 60 * 60 * 1000),
    batchSize: count('batchSize', options.batchSize, 100),
    maxBatchEvents: count('maxBatchEvents', options.maxBatchEvents, 500),
    maxBatchBytes: count('maxBatchBytes', options.maxBatchBytes, 512 * 1024, 1024),
    flushIntervalMs: count('flushIntervalMs', options.flushIntervalMs, 5000),
    writeDelayMs: count('writeDelayMs', options.writeDelayMs, 25, 0),
    writeBatchSize: count('writeBatchSize', options.writeBatchSize, 2048),
    storage: options.storage ?? 'indexeddb',
    dbName: `${options.dbName ?? 'isotel-exporter'}${scope}`,
    lockName: `${options.lockName ?? 'isotel-exporter-flush'}${scope}`,
    backoff: backoffPolicy(options.backoff),
    breaker: options.breaker ?? {},
    resource: options.resource === undefined ? undefined : JSON.stringify(options.resource),
    lifecycle: options.lifecycle ?? true,
    liveControl: options.liveControl ?? false,
    requestTimeoutMs: count('requestTimeoutMs', options.requestTimeoutMs, 30_000),
    shutdownTimeoutMs: count('shutdownTimeoutMs', options.shutdownTimeoutMs, 2000, 0),
    fetch: fetchFn,
    now: options.now ?? Date.now,
    random: options.random ?? Math.random,
    schedule: options.schedule ?? defaultSchedule,
  };
}

/**
 * `options` with `settings` applied, checked as `createBrowserExporter` checks them: throws
 * `IsotelError('invalid_argument')` naming the setting, and then nothing applies.
 */
export function applySettings(options: ResolvedExporterOptions, settings: ExporterSettings): ResolvedExporterOptions {
  if (settings === null || typeof settings !== 'object') {
    throw new IsotelError('invalid_argument', 'BrowserExporter.configure: settings must be an object.');
  }
  const { url, batchSize, flushIntervalMs, enabled } = settings;
  // relative to the page, as createBrowserExporter's url may be
  const page = (globalThis as { location?: { href?: string } }).location?.href;
  if (url !== undefined && (typeof url !== 'string' || url === '' || !URL.canParse(url, page))) {
    throw new IsotelError(
      'invalid_argument',
      `BrowserExporter.configure: url must be a URL (absolute, or relative to the page), got ${JSON.stringify(url)}.`,
    );
  }
  if (enabled !== undefined && typeof enabled !== 'boolean') {
    throw new IsotelError('invalid_argument', 'BrowserExporter.configure: enabled must be a boolean.');
  }
  const baseUrl = url === undefined ? options.baseUrl : url.replace(/\/+$/, '');
  return {
    ...options,
    enabled: enabled ?? options.enabled,
    baseUrl,
    endpoint: `${baseUrl}/v1/events`,
    batchSize: count('batchSize', batchSize, options.batchSize),
    flushIntervalMs: count('flushIntervalMs', flushIntervalMs, options.flushIntervalMs),
  };
}
