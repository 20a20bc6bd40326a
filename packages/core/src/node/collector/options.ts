import { hostname } from 'node:os';
import { getDefaultTelemetry } from '../../bus/default-instance.js';
import type { Telemetry } from '../../bus/telemetry.js';
import type { Metadata } from '../../bus/types.js';
import type { Catalog } from '../../catalog/define-catalog.js';
import type { Config } from '../../config/config.js';
import type { StatusSource } from '../../config/exporter-status.js';
import { type ControlInput, type ControlState, DEFAULT_CONTROL, parseControl } from '../../control/control-state.js';
import { IsotelError } from '../../errors/isotel-error.js';
import { sanitizeRemoteMetadata } from './flat-metadata.js';
import type { CollectorStore } from './store/collector-store.js';
import { memoryStore } from './store/memory-store.js';

/** The part of a catalog the collector uses: strict validation of untrusted events. */
export type CollectorCatalog = Pick<Catalog, 'validate'>;

/** Bounds untrusted metadata (depth, keys, string length, hostile keys). Must never throw. */
export type MetadataSanitizer = (metadata: Record<string, unknown>) => Metadata;

/** A handler serving Prometheus' text format at `GET /metrics`. */
export type MetricsHandler = (request: Request) => Response | Promise<Response>;

/** The figures of one rate limit (see {@link RateLimitOptions}). */
export interface RateFigures {
  /** Sustained events per second per client. @default 1000 */
  eventsPerSecond?: number;
  /** Events a client may send at once (a backlog flushed after an offline period). @default 10000 */
  burst?: number;
  /** Sustained ingest requests per second per client, empty batches included. @default 20 */
  requestsPerSecond?: number;
  /** Requests a client may make at once. @default 100 */
  requestBurst?: number;
  /**
   * Sustained body bytes per second per client. A batch is admitted while the client's bytes are
   * not in debt, and its size is then taken (which may leave them in debt). @default 262144 (256 KiB)
   */
  bytesPerSecond?: number;
  /** Body bytes a client may send at once (a backlog of 10 000 events is 2-4 MB). @default 4194304 (4 MiB) */
  bytesBurst?: number;
}

/**
 * Ingest rates, as token buckets counted in events, in requests and in body bytes: per client id,
 * and per network address over every client id sent from it, since a client chooses its own id.
 */
export interface RateLimitOptions extends RateFigures {
  /** Clients (and, apart, addresses) tracked at once; the least recently seen is forgotten first. @default 10000 */
  maxClients?: number;
  /**
   * The rate of one network address over all its client ids, so a client cannot escape its limit
   * by sending each batch under a new id; `false` for none. Several browsers can share an address
   * (an office behind NAT), hence the larger default; an IPv6 address counts by its /64, which
   * one host can pick addresses from. The address is the connection's (see
   * `trustProxy`); a request without one (a handler called without `ConnectionInfo`) has only the
   * per-client limit. Requests and bytes are checked per address before the body is read (a
   * flood is refused unread), events once it is parsed. @default ten times each per-client figure
   */
  perAddress?: RateFigures | false;
}

/**
 * What the server knows of a request's connection, which a web-standard `Request` does not carry:
 * pass it as the handler's second argument (`listen()` does).
 */
export interface ConnectionInfo {
  /** The peer's IP address (`socket.remoteAddress` on Node). */
  readonly remoteAddress?: string | undefined;
}

/** One resolved rate limit. */
export interface ResolvedRate {
  readonly eventsPerSecond: number;
  readonly burst: number;
  readonly requestsPerSecond: number;
  readonly requestBurst: number;
  readonly bytesPerSecond: number;
  readonly bytesBurst: number;
}

/** The resolved rate limit. */
export interface ResolvedRateLimit extends ResolvedRate {
  readonly maxClients: number;
  readonly perAddress: ResolvedRate | false;
}

/**
 * The slowest an ingest body may arrive: after `graceMs` from the start of reading, at least
 * `bytesPerSecond` on average (or the whole body, when smaller).
 */
export interface MinUploadRate {
  /** @default 4096 */
  bytesPerSecond?: number;
  /** @default 2000 */
  graceMs?: number;
}

/** Options of the live event stream (`GET /v1/stream`). */
export interface StreamOptions {
  /** Admin streams (events and control, as the devtools read them) open at once; more get 503. @default 100 */
  maxClients?: number;
  /**
   * Control-only streams of clients (`GET /v1/stream?clientId=` with the ingest token, opened by
   * exporters with `liveControl`) open at once; more get 503. Counted apart from `maxClients`, so
   * browsers holding the public ingest token cannot take the admin's slots. @default 1000
   */
  maxControlStreams?: number;
  /**
   * Control-only streams one network address (counted as for the rate limit) may hold open; more
   * get 429 `too_many_streams`, so one address cannot take every client's slot.
   * @default an eighth of `maxControlStreams` (125), at least 1
   */
  maxControlStreamsPerAddress?: number;
  /** Messages queued for one slow reader before it is dropped. @default 1000 */
  bufferedMessages?: number;
  /** Milliseconds between heartbeat comments that keep proxies from closing idle streams. @default 15000 */
  heartbeatMs?: number;
}

/** Options of {@link createCollector}. */
export interface CollectorOptions {
  /** The server's bus, on which accepted events are re-emitted. @default the default instance */
  telemetry?: Telemetry;
  /** Bearer token(s) accepted on `POST /v1/events`. @default undefined (ingest is open) */
  ingestToken?: string | readonly string[];
  /** Bearer token for the admin routes (control, stream, handlers, stats). @default undefined (open) */
  adminToken?: string;
  /** Origins allowed to call the collector from a browser (exact `scheme://host:port`). @default [] */
  corsOrigins?: readonly string[];
  /** Largest accepted request body in bytes; larger bodies get 413. @default 1048576 (1 MiB) */
  maxBodyBytes?: number;
  /**
   * Milliseconds a request body may take to arrive once reading starts; a slower upload gets 408
   * `body_timeout` and its connection is closed, so a stalled client cannot hold a buffer for long.
   * @default 10000
   */
  bodyTimeoutMs?: number;
  /**
   * Bytes of ingest bodies being received at once, over all requests: each upload counts with its
   * declared `Content-Length` (else with `maxBodyBytes`) until it is read. An upload that would
   * pass it gets 503 `overloaded` with `Retry-After`, unread, so memory held by uploads in progress
   * stays within this bound. At least `maxBodyBytes`. @default 67108864 (64 MiB), or `maxBodyBytes` when larger
   */
  maxConcurrentBodyBytes?: number;
  /**
   * The share of `maxConcurrentBodyBytes` one network address (as the rate limit counts it) may
   * hold with uploads in progress; one that would pass it gets 429 `too_many_uploads` with
   * `Retry-After`, unread, so one address stalling uploads cannot take the budget from everyone.
   * At least `maxBodyBytes`. @default an eighth of `maxConcurrentBodyBytes` (8 MiB), or `maxBodyBytes` when larger
   */
  maxBodyBytesPerAddress?: number;
  /**
   * Uploads slower than this are cut with 408 `body_too_slow` and their connection closed, long
   * before `bodyTimeoutMs`, so trickling bodies cannot hold their reservation; `false` for none.
   * @default { bytesPerSecond: 4096, graceMs: 2000 }
   */
  minUploadRate?: MinUploadRate | false;
  /**
   * Connections one peer address (an IPv6 address by its /64) may hold open at once on the servers
   * `listen()` starts; more are closed as they arrive, so one address cannot take every file
   * descriptor. Not applied with `trustProxy` (every connection then comes from the proxy).
   * @default 512
   */
  maxConnectionsPerAddress?: number;
  /** Most events in one batch; more get 413. @default 1000 */
  maxEventsPerBatch?: number;
  /** Most measurements in one event. @default 64 */
  maxMeasurements?: number;
  /**
   * Per-client and per-address rate limits, or `false` for none.
   * @default { eventsPerSecond: 1000, burst: 10000, perAddress: { eventsPerSecond: 10000, burst: 100000 } }
   */
  rateLimit?: RateLimitOptions | false;
  /**
   * Proxies in front of the collector (a load balancer, a reverse proxy) that append the address
   * they received a request from to `X-Forwarded-For`: the client's address is then the entry this
   * many hops from the end. Entries further left are written by the client and never trusted.
   * @default 0 (the connection's own address)
   */
  trustProxy?: number;
  /**
   * Ids remembered for dedupe. @default { maxIds: 100000, windowMs: 3600000 } — an exporter only
   * resends what it has not seen acknowledged, within minutes; 100k ids are about 10 MB at most.
   */
  dedupe?: { maxIds?: number; windowMs?: number };
  /**
   * A catalog (`defineCatalog`) in strict mode: events it does not describe, or whose keys do not
   * match, are rejected with its code (`unknown_event`, ...) and counted. @default undefined (any valid name)
   */
  catalog?: CollectorCatalog;
  /** Sanitiser for remote metadata. @default sanitizeMetadata with its default limits */
  sanitize?: MetadataSanitizer;
  /** The control served to clients until an admin changes it (validated like a PUT). @default DEFAULT_CONTROL */
  control?: ControlInput;
  /** Name of this node, added to every re-emitted event as `node`. @default os.hostname() */
  node?: string;
  /** Mounted at `GET /metrics` when given (e.g. the Prometheus reporter's handler). @default undefined */
  metrics?: MetricsHandler;
  /** Live stream bounds. */
  stream?: StreamOptions;
  /**
   * How long `close()` waits for requests already being received (a slow upload) before it closes
   * the servers anyway; those requests are then cut and their clients retry. @default 10000
   */
  drainTimeoutMs?: number;
  /**
   * Where the dedupe ids, the control and the rate-limit buckets live: this process's memory, or
   * `redisStore({ url })` so several collectors behind a load balancer share them.
   * @default memoryStore()
   */
  store?: CollectorStore;
  /**
   * The live configuration the admin routes read and change: `GET /v1/config` lists every value
   * with its source, `PATCH /v1/config` changes keys (validated, all or none). The collector binds
   * it to its bus, so each change is a `telemetry.config.change` event.
   * @default undefined (`/v1/config` answers 404 `no_config`)
   */
  config?: Config;
  /**
   * Exporters and reporters `GET /v1/exporters` reports, by name: anything with `stats()` or
   * `status()`, or a function returning figures.
   * @example exporters: { otlp, prometheus: () => reporters.status().prometheus }
   * @default {}
   */
  exporters?: Readonly<Record<string, StatusSource>>;
}

/** Options with every default filled in. */
export interface ResolvedOptions {
  readonly telemetry: Telemetry;
  readonly ingestTokens: readonly string[];
  readonly adminToken: string | undefined;
  readonly corsOrigins: ReadonlySet<string>;
  readonly maxBodyBytes: number;
  readonly bodyTimeoutMs: number;
  readonly maxConcurrentBodyBytes: number;
  readonly maxBodyBytesPerAddress: number;
  readonly maxConnectionsPerAddress: number;
  readonly minUploadRate: { readonly bytesPerSecond: number; readonly graceMs: number } | undefined;
  readonly maxEventsPerBatch: number;
  readonly maxMeasurements: number;
  readonly rateLimit: ResolvedRateLimit | false;
  readonly trustProxy: number;
  readonly dedupe: { readonly maxIds: number; readonly windowMs: number };
  readonly catalog: CollectorCatalog | undefined;
  readonly sanitize: MetadataSanitizer;
  readonly control: ControlState;
  readonly node: string;
  readonly metrics: MetricsHandler | undefined;
  readonly stream: Required<StreamOptions>;
  readonly drainTimeoutMs: number;
  readonly store: CollectorStore;
  readonly config: Config | undefined;
  readonly exporters: Readonly<Record<string, StatusSource>>;
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value)) {
    throw new IsotelError(
      'invalid_argument',
      `createCollector: ${name} must be a positive number, got ${String(value)}.`,
    );
  }
  return value;
}

const CLIENT_RATE: ResolvedRate = {
  eventsPerSecond: 1000,
  burst: 10_000,
  requestsPerSecond: 20,
  requestBurst: 100,
  bytesPerSecond: 256 * 1024,
  bytesBurst: 4 * 1024 * 1024,
};

function resolveRate(prefix: string, given: RateFigures, defaults: ResolvedRate): ResolvedRate {
  const out: Record<string, number> = {};
  for (const key of Object.keys(defaults) as (keyof ResolvedRate)[]) {
    out[key] = positive(`${prefix}.${key}`, given[key], defaults[key]);
  }
  return out as unknown as ResolvedRate;
}

/** Fills in defaults and rejects misconfiguration with `invalid_argument`. */
export function resolveOptions(options: CollectorOptions): ResolvedOptions {
  const tokens = options.ingestToken === undefined ? [] : [options.ingestToken].flat();
  for (const token of [...tokens, options.adminToken]) {
    if (token !== undefined && (typeof token !== 'string' || token.length === 0)) {
      throw new IsotelError('invalid_argument', 'createCollector: tokens must be non-empty strings.');
    }
  }
  const maxEventsPerBatch = positive('maxEventsPerBatch', options.maxEventsPerBatch, 1000);
  let rateLimit: ResolvedRateLimit | false = false;
  if (options.rateLimit !== false) {
    const r = options.rateLimit ?? {};
    const perClient = resolveRate('rateLimit', r, CLIENT_RATE);
    const a = r.perAddress ?? {};
    const tenfold = Object.fromEntries(
      Object.entries(perClient).map(([k, v]) => [k, 10 * v]),
    ) as unknown as ResolvedRate;
    const perAddress = a === false ? false : resolveRate('rateLimit.perAddress', a, tenfold);
    const burst = perClient.burst;
    rateLimit = { ...perClient, maxClients: positive('rateLimit.maxClients', r.maxClients, 10_000), perAddress };
    if (burst < maxEventsPerBatch || (perAddress !== false && perAddress.burst < maxEventsPerBatch)) {
      throw new IsotelError('invalid_argument', 'createCollector: rate limit bursts must be >= maxEventsPerBatch.');
    }
  }
  const trustProxy = options.trustProxy ?? 0;
  if (!Number.isInteger(trustProxy) || trustProxy < 0) {
    throw new IsotelError(
      'invalid_argument',
      `createCollector: trustProxy must be a non-negative integer, got ${String(trustProxy)}.`,
    );
  }
  const maxBodyBytes = positive('maxBodyBytes', options.maxBodyBytes, 1024 * 1024);
  const maxConcurrentBodyBytes = positive(
    'maxConcurrentBodyBytes',
    options.maxConcurrentBodyBytes,
    Math.max(64 * 1024 * 1024, maxBodyBytes),
  );
  if (maxConcurrentBodyBytes < maxBodyBytes) {
    throw new IsotelError('invalid_argument', 'createCollector: maxConcurrentBodyBytes must be >= maxBodyBytes.');
  }
  const maxBodyBytesPerAddress = positive(
    'maxBodyBytesPerAddress',
    options.maxBodyBytesPerAddress,
    Math.max(Math.floor(maxConcurrentBodyBytes / 8), maxBodyBytes),
  );
  if (maxBodyBytesPerAddress < maxBodyBytes) {
    throw new IsotelError('invalid_argument', 'createCollector: maxBodyBytesPerAddress must be >= maxBodyBytes.');
  }
  const maxControlStreams = positive('stream.maxControlStreams', options.stream?.maxControlStreams, 1000);
  const pace = options.minUploadRate;
  const minUploadRate =
    pace === false
      ? undefined
      : {
          bytesPerSecond: positive('minUploadRate.bytesPerSecond', pace?.bytesPerSecond, 4096),
          graceMs: positive('minUploadRate.graceMs', pace?.graceMs, 2000),
        };
  return {
    telemetry: options.telemetry ?? getDefaultTelemetry(),
    ingestTokens: tokens,
    adminToken: options.adminToken,
    corsOrigins: new Set(options.corsOrigins ?? []),
    maxBodyBytes,
    bodyTimeoutMs: positive('bodyTimeoutMs', options.bodyTimeoutMs, 10_000),
    maxConcurrentBodyBytes,
    maxBodyBytesPerAddress,
    maxConnectionsPerAddress: positive('maxConnectionsPerAddress', options.maxConnectionsPerAddress, 512),
    minUploadRate,
    maxEventsPerBatch,
    maxMeasurements: positive('maxMeasurements', options.maxMeasurements, 64),
    rateLimit,
    trustProxy,
    dedupe: {
      maxIds: positive('dedupe.maxIds', options.dedupe?.maxIds, 100_000),
      windowMs: positive('dedupe.windowMs', options.dedupe?.windowMs, 3_600_000),
    },
    catalog: options.catalog,
    sanitize: options.sanitize ?? sanitizeRemoteMetadata,
    control: options.control === undefined ? DEFAULT_CONTROL : parseControl(options.control),
    node: options.node ?? hostname(),
    metrics: options.metrics,
    stream: {
      maxClients: positive('stream.maxClients', options.stream?.maxClients, 100),
      maxControlStreams,
      maxControlStreamsPerAddress: positive(
        'stream.maxControlStreamsPerAddress',
        options.stream?.maxControlStreamsPerAddress,
        Math.max(1, Math.floor(maxControlStreams / 8)),
      ),
      bufferedMessages: positive('stream.bufferedMessages', options.stream?.bufferedMessages, 1000),
      heartbeatMs: positive('stream.heartbeatMs', options.stream?.heartbeatMs, 15_000),
    },
    drainTimeoutMs: positive('drainTimeoutMs', options.drainTimeoutMs, 10_000),
    store: options.store ?? memoryStore(),
    config: options.config,
    exporters: statusSources(options.exporters),
  };
}

function statusSources(sources: CollectorOptions['exporters']): Readonly<Record<string, StatusSource>> {
  for (const [name, source] of Object.entries(sources ?? {})) {
    const readable =
      typeof source === 'function' ||
      (source !== null &&
        typeof source === 'object' &&
        (typeof (source as { stats?: unknown }).stats === 'function' ||
          typeof (source as { status?: unknown }).status === 'function'));
    if (!readable) {
      throw new IsotelError(
        'invalid_argument',
        `createCollector: exporters.${name} must have stats() or status(), or be a function.`,
      );
    }
  }
  return { ...sources };
}
