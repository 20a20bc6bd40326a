import { parsePattern } from '../../bus/pattern.js';
import { isIsotelError } from '../../errors/isotel-error.js';
import type { AddressShares } from './address-shares.js';
import { addressKey, checkToken, clientAddress, problem } from './http.js';
import { idProblem } from './ids.js';
import type { ResolvedOptions } from './options.js';
import type { StreamHub } from './stream-hub.js';

/** What `GET /v1/stream` acts on. */
export interface StreamRouteContext {
  readonly options: ResolvedOptions;
  readonly hub: StreamHub;
  /** Control-only streams open per address. */
  readonly shares: AddressShares;
  /** Answers a refusal and counts it (`isotel.collector.refused`). */
  readonly refuse: (status: number, code: string, message?: string, headers?: Record<string, string>) => Response;
}

/**
 * `GET /v1/stream`. Admin readers get events and control; a client holding only an ingest token
 * may open a control-only stream for its own (valid) clientId, how exporters hear about control
 * changes live, within the clients' budget and its address's share of it.
 */
export function openStream(
  request: Request,
  url: URL,
  remoteAddress: string | undefined,
  ctx: StreamRouteContext,
): Response {
  const { options: o, hub, refuse } = ctx;
  const clientId = url.searchParams.get('clientId') ?? undefined;
  const idWrong = clientId === undefined ? undefined : idProblem(clientId);
  if (idWrong !== undefined) return refuse(400, 'invalid_client_id', `The client id ${idWrong}.`);
  // EventSource cannot send headers: this route takes the token as ?token= too
  const admin = checkToken(request, url, o.adminToken === undefined ? [] : [o.adminToken]);
  const ingest = clientId === undefined ? admin : checkToken(request, url, o.ingestTokens);
  if (admin !== 'ok' && ingest !== 'ok') {
    const missing = admin === 'missing' && ingest === 'missing';
    return refuse(missing ? 401 : 403, missing ? 'unauthorized' : 'forbidden');
  }
  // admin readers and clients' control streams have separate budgets: a browser holds the
  // ingest token, and must not be able to take the slots the devtools need
  const full = admin === 'ok' ? hub.readers >= o.stream.maxClients : hub.controlOnly >= o.stream.maxControlStreams;
  if (full) return problem(503, 'too_many_streams', 'Too many open streams.', { 'retry-after': '5' });
  let pattern: ReturnType<typeof parsePattern> | undefined;
  if (admin === 'ok') {
    try {
      pattern = parsePattern(url.searchParams.get('pattern') ?? '**');
    } catch (error) {
      return problem(400, 'invalid_pattern', isIsotelError(error) ? error.message : 'Invalid pattern.');
    }
  }
  let onClose: (() => void) | undefined;
  if (admin !== 'ok') {
    const from = clientAddress(request, remoteAddress, o.trustProxy);
    const address = from === undefined ? undefined : addressKey(from);
    if (address !== undefined) {
      if (!ctx.shares.take(address, 1)) {
        return refuse(429, 'too_many_streams', `Address ${address} has too many control streams open.`, {
          'retry-after': '5',
        });
      }
      onClose = () => ctx.shares.give(address, 1);
    }
  }
  o.telemetry.emit('isotel.collector.stream.open', { count: 1 }, { node: o.node, clientId });
  const body = hub.open({ pattern, clientId, onClose });
  return new Response(body, {
    status: 200,
    headers: {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-accel-buffering': 'no',
    },
  });
}
