import type { Telemetry } from '../../bus/telemetry.js';
import type { Metadata } from '../../bus/types.js';
import type { ControlDecision } from '../../control/control-engine.js';
import type { ControlInput, ControlState } from '../../control/control-state.js';
import { IsotelError } from '../../errors/isotel-error.js';
import type { CollectorStats } from '../../export/collector-wire.js';
import { logger } from '../../log/logger.js';
import { AddressShares } from './address-shares.js';
import { routeAdmin } from './admin-routes.js';
import type { ControlStore } from './control-store.js';
import {
  addressKey,
  checkBodyHeaders,
  checkToken,
  clientAddress,
  corsHeaders,
  crossOriginAllowed,
  json,
  jsonText,
  preflight,
  problem,
  withCors,
} from './http.js';
import { ingestBatch, readEnvelope } from './ingest.js';
import type { RateRefusal } from './ingest-limits.js';
import { type CollectorServer, listenCollector } from './node-server.js';
import type { CollectorOptions, ConnectionInfo, ResolvedOptions } from './options.js';
import { resolveOptions } from './options.js';
import { type BodyResult, bodyProblem, discardBody, drainBody, readBody } from './read-body.js';
import type { CollectorState } from './store/collector-store.js';
import { StreamHub } from './stream-hub.js';
import { openStream } from './stream-route.js';

/** A running collector. */
export interface Collector {
  /**
   * The web-standard handler: use it with any server that speaks `Request`/`Response`. Pass the
   * peer's address as `info` where the server knows it, for the per-address rate limit.
   *
   * @example Deno.serve((request, info) => collector.handler(request, { remoteAddress: info.remoteAddr.hostname }))
   */
  readonly handler: (request: Request, info?: ConnectionInfo) => Promise<Response>;
  /** The bus accepted events are re-emitted on. */
  readonly telemetry: Telemetry;
  /**
   * Serves the handler on Node's HTTP server; call it more than once to listen on several
   * addresses. Rejects with the server's error (`EADDRINUSE`, ...), or `IsotelError('shutdown')`
   * after `close()`.
   * @param port @default 0 (a free port, read back from the result)
   * @param host @default '127.0.0.1'
   */
  listen(port?: number, host?: string): Promise<CollectorServer>;
  /** Counters. */
  stats(): CollectorStats;
  /** The control a client receives (its own, else the global one); without an id, the global one. */
  getControl(clientId?: string): ControlState;
  /**
   * Sets the global control, or one client's, as `PUT /v1/control[/:clientId]` does: validated by
   * `parseControl` (throws `IsotelError('invalid_control')`, keeping the previous control), then
   * pushed to the streams it concerns and sent with the next ingest answers.
   *
   * @example collector.setControl({ sampleRate: 0.1, deny: ['debug.**'] }, clientId)
   */
  setControl(control: ControlInput, clientId?: string): ControlState;
  /**
   * What the control a client receives would do with an event named `name` (kept at which rate,
   * or dropped and why), decided by the same engine as the client's exporter and bus. With
   * `metadata` (its `correlationId` / `spanId`), sampling is decided as for that event.
   * `GET /v1/control[/:clientId]?name=` answers the same as `decision`.
   *
   * @example collector.explainControl('debug.sql', { clientId }) // { kept: false, reason: 'denied' }
   */
  explainControl(name: string, options?: { readonly clientId?: string; readonly metadata?: Metadata }): ControlDecision;
  /**
   * Graceful shutdown: new requests get 503, requests already accepted finish (their events are
   * re-emitted), streams end, servers close. Idempotent.
   */
  close(): Promise<void>;
  /** Same as {@link Collector.close}. */
  shutdown(): Promise<void>;
}

const INGEST_PATH = '/v1/events';
// a node name that can be sent as a header value as it is
const HEADER_SAFE = /^[\x21-\x7e]{1,200}$/;
// A body an answer does not need is read and thrown away up to this much (or maxBodyBytes when
// larger) before answering, so a client still uploading reads the answer instead of a reset.
const DRAIN_LIMIT_BYTES = 8 * 1024 * 1024;

class CollectorImpl implements Collector {
  readonly telemetry: Telemetry;
  readonly handler = (request: Request, info?: ConnectionInfo): Promise<Response> => this.#handle(request, info);
  readonly #o: ResolvedOptions;
  readonly #state: CollectorState;
  // bytes reserved by uploads in progress, and control-only streams open, per address key
  readonly #receivingByAddress: AddressShares;
  readonly #streamsByAddress: AddressShares;
  readonly #controls: ControlStore;
  readonly #hub: StreamHub;
  readonly #servers = new Set<CollectorServer>();
  readonly #responses: Record<string, number> = {};
  readonly #rejected: Record<string, number> = {};
  #batches = 0;
  #accepted = 0;
  #duplicates = 0;
  #rateLimited = 0;
  #inFlight = 0;
  #receivingBytes = 0;
  #idle: (() => void) | undefined;
  #closing: Promise<void> | undefined;
  readonly #unregister: () => void;

  constructor(options: CollectorOptions) {
    this.#o = resolveOptions(options);
    this.telemetry = this.#o.telemetry;
    // changes through PATCH /v1/config (or anywhere) become telemetry.config.change on this bus
    this.#o.config?.bind(this.telemetry);
    this.#state = this.#o.store({
      node: this.#o.node,
      dedupe: this.#o.dedupe,
      rateLimit: this.#o.rateLimit,
      control: this.#o.control,
      onStatus: (status, reason) =>
        this.telemetry.emit(
          'isotel.collector.store',
          { count: 1 },
          { node: this.#o.node, store: this.#state.stats().kind, status, ...(reason === undefined ? {} : { reason }) },
        ),
    });
    this.#receivingByAddress = new AddressShares(this.#o.maxBodyBytesPerAddress);
    this.#streamsByAddress = new AddressShares(this.#o.stream.maxControlStreamsPerAddress);
    this.#controls = this.#state.controls;
    this.#controls.subscribe((clientId) =>
      this.telemetry.emit('isotel.collector.control.change', { count: 1 }, { node: this.#o.node, clientId }),
    );
    this.#hub = new StreamHub({
      telemetry: this.telemetry,
      controls: this.#controls,
      sanitize: this.#o.sanitize,
      bufferedMessages: this.#o.stream.bufferedMessages,
      heartbeatMs: this.#o.stream.heartbeatMs,
      onDrop: () => this.telemetry.emit('isotel.collector.stream.dropped', { count: 1 }, { node: this.#o.node }),
    });
    // a source: it drains uploads into the bus while closing, before reporters close
    this.#unregister = this.telemetry.onShutdown(() => this.close(), { source: true });
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<CollectorServer> {
    if (this.#closing !== undefined) throw new IsotelError('shutdown', 'This collector was closed; create a new one.');
    const server = await listenCollector(this.handler, port, host, () => this.#servers.delete(server), {
      bodyTimeoutMs: this.#o.bodyTimeoutMs,
      onAnswer: (status) => this.#counted(status),
      maxConnectionsPerAddress: this.#o.trustProxy === 0 ? this.#o.maxConnectionsPerAddress : undefined,
    });
    this.#servers.add(server);
    return server;
  }

  stats(): CollectorStats {
    const store = this.#state.stats();
    return {
      node: this.#o.node,
      responses: { ...this.#responses },
      batches: this.#batches,
      accepted: this.#accepted,
      duplicates: this.#duplicates,
      rejected: { ...this.#rejected },
      rateLimited: this.#rateLimited,
      streams: this.#hub.stats(),
      store,
      dedupe: store.dedupe,
      rateLimitedClients: store.rateLimitedClients,
      rateLimitedAddresses: store.rateLimitedAddresses,
      controlOverrides: this.#controls.overrides,
      inFlight: this.#inFlight,
      receivingBytes: this.#receivingBytes,
      draining: this.#closing !== undefined,
    };
  }

  getControl(clientId?: string): ControlState {
    return this.#controls.effective(clientId);
  }

  setControl(control: ControlInput, clientId?: string): ControlState {
    return this.#state.setControl(clientId, control).control;
  }

  explainControl(
    name: string,
    options?: { readonly clientId?: string; readonly metadata?: Metadata },
  ): ControlDecision {
    return this.#controls.explain(name, options?.clientId, options?.metadata);
  }

  close(): Promise<void> {
    this.#closing ??= this.#drain();
    return this.#closing;
  }

  shutdown(): Promise<void> {
    return this.close();
  }

  async #drain(): Promise<void> {
    this.#unregister();
    if (this.#inFlight > 0) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      await new Promise<void>((resolve) => {
        this.#idle = resolve;
        timer = setTimeout(() => {
          logger().warn(`Shutdown: ${this.#inFlight} request(s) still in progress after the drain timeout; closing.`);
          resolve();
        }, this.#o.drainTimeoutMs);
      });
      clearTimeout(timer);
    }
    this.#hub.close();
    await Promise.allSettled([...this.#servers].map((server) => server.close()));
    await this.#state.close();
  }

  async #handle(request: Request, info: ConnectionInfo | undefined): Promise<Response> {
    this.#inFlight++;
    let response: Response;
    try {
      response = await this.#route(request, info?.remoteAddress);
      await drainBody(request, Math.max(DRAIN_LIMIT_BYTES, this.#o.maxBodyBytes), this.#o.bodyTimeoutMs);
    } catch (error) {
      logger().error('The collector failed to answer a request.', error);
      response = problem(500, 'internal', 'The collector failed to answer this request.');
    } finally {
      if (--this.#inFlight === 0 && this.#idle !== undefined) this.#idle();
    }
    this.#counted(response.status);
    return response;
  }

  #overRate(refusal: RateRefusal, who: string): Response {
    this.#rateLimited++;
    return this.#refuse(429, 'rate_limited', `${who} is over its ${refusal.what} rate.`, {
      'retry-after': String(refusal.retryAfterSeconds),
    });
  }

  #counted(status: number): void {
    this.#responses[status] = (this.#responses[status] ?? 0) + 1;
  }

  async #route(request: Request, remoteAddress: string | undefined): Promise<Response> {
    const url = new URL(request.url);
    const cors = corsHeaders(request, this.#o.corsOrigins);
    if (request.method === 'OPTIONS') return preflight(request, this.#o.corsOrigins);
    if (this.#closing !== undefined) {
      await discardBody(request);
      return withCors(
        problem(503, 'shutting_down', 'The collector is shutting down.', { 'retry-after': '1', connection: 'close' }),
        cors,
      );
    }
    if (url.pathname === INGEST_PATH) {
      if (request.method !== 'POST') {
        return withCors(problem(405, 'method_not_allowed', 'Use POST.', { allow: 'POST' }), cors);
      }
      return withCors(await this.#ingest(request, url, remoteAddress), cors);
    }
    if (url.pathname === '/v1/stream' && request.method === 'GET') {
      return withCors(this.#stream(request, url, remoteAddress), cors);
    }
    if (url.pathname === '/metrics' && request.method === 'GET' && this.#o.metrics !== undefined) {
      return withCors(await this.#o.metrics(request), cors);
    }
    if (url.pathname === '/v1/health' && (request.method === 'GET' || request.method === 'HEAD')) {
      return withCors(headless(request, json(200, { status: 'ok' })), cors);
    }
    const admin = await routeAdmin(request, url, {
      adminToken: this.#o.adminToken,
      controls: this.#controls,
      state: this.#state,
      telemetry: this.telemetry,
      stats: () => this.stats(),
      node: this.#o.node,
      bodyTimeoutMs: this.#o.bodyTimeoutMs,
      config: this.#o.config,
      exporters: this.#o.exporters,
    });
    if (admin === undefined)
      return withCors(problem(404, 'not_found', `No route for ${request.method} ${url.pathname}.`), cors);
    // behind a load balancer, stats and control answers name the instance that gave them
    if (HEADER_SAFE.test(this.#o.node)) admin.headers.set('x-isotel-node', this.#o.node);
    return withCors(admin, cors);
  }

  async #ingest(request: Request, url: URL, remoteAddress: string | undefined): Promise<Response> {
    const started = performance.now();
    // refusals before reading leave the body to #handle, which drains it (bounded) before answering
    const auth = checkToken(request, url, this.#o.ingestTokens);
    if (auth !== 'ok') {
      return this.#refuse(auth === 'missing' ? 401 : 403, auth === 'missing' ? 'unauthorized' : 'forbidden');
    }
    if (!crossOriginAllowed(request, this.#o.corsOrigins)) {
      return this.#refuse(403, 'origin_not_allowed', 'This origin is not in the collector allow-list.');
    }
    const form = checkBodyHeaders(request);
    if (!form.ok) {
      const accept = form.code === 'unsupported_encoding' ? { 'accept-encoding': 'identity' } : undefined;
      return this.#refuse(415, form.code, form.message, accept);
    }
    const from = clientAddress(request, remoteAddress, this.#o.trustProxy);
    const address = from === undefined ? undefined : addressKey(from);
    if (address !== undefined && this.#o.rateLimit !== false) {
      const admitted = this.#state.admitAddress(address, Date.now());
      const refusal = admitted instanceof Promise ? await admitted : admitted;
      if (refusal !== undefined) {
        await discardBody(request); // a flood is not read
        return this.#overRate(refusal, `Address ${address}`);
      }
    }
    const reserved = this.#reserveBody(request, address);
    if (typeof reserved === 'string') {
      await discardBody(request); // over budget: not even drained
      return reserved === 'address'
        ? this.#refuse(429, 'too_many_uploads', `Address ${address} has too many uploads in progress.`, {
            'retry-after': '1',
          })
        : this.#refuse(503, 'overloaded', 'Too many uploads are being received; retry shortly.', {
            'retry-after': '1',
          });
    }
    let body: BodyResult;
    try {
      body = await readBody(request, this.#o.maxBodyBytes, this.#o.bodyTimeoutMs, this.#o.minUploadRate);
    } finally {
      this.#release(reserved, address);
    }
    if (!body.ok) {
      const refusal = bodyProblem(body.reason, this.#o.maxBodyBytes);
      return this.#refuse(refusal.status, refusal.code, refusal.message);
    }
    if (address !== undefined && this.#o.rateLimit !== false) {
      const charged = this.#state.chargeAddress(address, body.bytes, Date.now());
      if (charged instanceof Promise) await charged;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.text);
    } catch {
      return this.#refuse(400, 'malformed_json', 'The body is not valid JSON.');
    }
    const batch = readEnvelope(parsed, this.#o.sanitize);
    if (typeof batch === 'string') return this.#refuse(400, 'invalid_batch', batch);
    if (batch.events.length > this.#o.maxEventsPerBatch) {
      return this.#refuse(413, 'too_many_events', `At most ${this.#o.maxEventsPerBatch} events per batch.`);
    }
    const admitted =
      this.#o.rateLimit === false
        ? undefined
        : this.#state.admitBatch(batch.clientId, address, body.bytes, batch.events.length, Date.now());
    const limited = admitted instanceof Promise ? await admitted : admitted;
    if (limited !== undefined) {
      return this.#overRate(
        limited.refusal,
        limited.by === 'client' ? `Client ${batch.clientId}` : `Address ${address}`,
      );
    }
    const control = this.#controls.answerFor(batch.clientId);
    const rules = {
      catalog: this.#o.catalog,
      sanitize: this.#o.sanitize,
      maxMeasurements: this.#o.maxMeasurements,
      now: Date.now(),
    };
    const handled = ingestBatch(batch, this.#o, rules, this.#state, control);
    const outcome = handled instanceof Promise ? await handled : handled;
    if ('pendingMs' in outcome) {
      // another request holds ids of this batch (the same batch on another collector, or one
      // killed before confirming): retryable, never a silent drop
      return this.#refuse(503, 'claim_pending', 'Events of this batch are being stored by another request; retry.', {
        'retry-after': String(Math.max(1, Math.ceil(outcome.pendingMs / 1000))),
      });
    }
    const { response, rejectedCodes } = outcome;
    this.#batches++;
    this.#accepted += response.accepted;
    this.#duplicates += response.duplicates;
    for (const code of rejectedCodes) this.#rejected[code] = (this.#rejected[code] ?? 0) + 1;
    const allRejected = batch.events.length > 0 && response.rejected.length === batch.events.length;
    const status = allRejected ? 422 : 200;
    this.telemetry.emit(
      'isotel.collector.ingest',
      {
        events: batch.events.length,
        accepted: response.accepted,
        duplicates: response.duplicates,
        rejected: response.rejected.length,
        duration: performance.now() - started,
      },
      { node: this.#o.node, clientId: batch.clientId, status },
    );
    return json(status, response);
  }

  // Counts an upload against maxConcurrentBodyBytes, and against its address's share of it, until
  // it is read: its declared length, else the most it may be. Names the budget it would pass. A
  // declared length over the limit reserves nothing: readBody refuses it without reading.
  #reserveBody(request: Request, address: string | undefined): number | 'address' | 'global' {
    const declared = request.headers.get('content-length');
    const size = declared === null ? this.#o.maxBodyBytes : Number(declared);
    if (!(size >= 0 && size <= this.#o.maxBodyBytes)) return 0;
    if (this.#receivingBytes + size > this.#o.maxConcurrentBodyBytes) return 'global';
    if (address !== undefined && !this.#receivingByAddress.take(address, size)) return 'address';
    this.#receivingBytes += size;
    return size;
  }

  #release(reserved: number, address: string | undefined): void {
    this.#receivingBytes -= reserved;
    if (address !== undefined) this.#receivingByAddress.give(address, reserved);
  }

  #refuse(status: number, code: string, message?: string, headers?: Record<string, string>): Response {
    this.telemetry.emit('isotel.collector.refused', { count: 1 }, { node: this.#o.node, status, reason: code });
    const text = message ?? (status === 401 ? 'A bearer token is required.' : 'This token is not accepted here.');
    const extra = status === 401 ? { 'www-authenticate': 'Bearer', ...headers } : headers;
    return problem(status, code, text, extra);
  }

  #stream(request: Request, url: URL, remoteAddress: string | undefined): Response {
    return openStream(request, url, remoteAddress, {
      options: this.#o,
      hub: this.#hub,
      shares: this.#streamsByAddress,
      refuse: (status, code, message, headers) => this.#refuse(status, code, message, headers),
    });
  }
}

// HEAD gets GET's status and headers (with the length the body would have), without the body.
function headless(request: Request, response: Response): Response {
  if (request.method !== 'HEAD') return response;
  const headers = new Headers(response.headers);
  const text = jsonText(response);
  if (text !== undefined) headers.set('content-length', String(new TextEncoder().encode(text).byteLength));
  return new Response(null, { status: response.status, headers });
}

/**
 * Creates a collector: the server side of the browser exporter. It validates and dedupes event
 * batches, re-emits them on the server's bus, streams live events, and serves runtime control.
 *
 * @example
 * const collector = createCollector({ telemetry: t, ingestToken: process.env.INGEST_TOKEN, adminToken })
 * const { url } = await collector.listen(4318, '0.0.0.0')
 * process.on('SIGTERM', () => collector.close())
 */
export function createCollector(options: CollectorOptions = {}): Collector {
  return new CollectorImpl(options);
}
