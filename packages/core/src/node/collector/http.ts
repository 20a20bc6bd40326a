// Small web-standard helpers of the collector's routes: JSON answers, bearer tokens, CORS.
import type { ProblemAnswer } from '../../export/collector-wire.js';

const JSON_TYPE = 'application/json; charset=utf-8';

// The text of each JSON response made here, so the Node adapter writes it as it is instead of
// reading it back out of the Response's body stream (which costs more than the text itself).
const jsonTexts = new WeakMap<Response, string>();

/** A JSON response. */
export function json(status: number, body: unknown, headers?: Record<string, string>): Response {
  const init: ResponseInit = {
    status,
    headers: { 'content-type': JSON_TYPE, 'cache-control': 'no-store', ...headers },
  };
  const text = JSON.stringify(body);
  const response = new Response(text, init);
  jsonTexts.set(response, text);
  return response;
}

/** The body text of a response made by {@link json} whose body was not read yet, else undefined. */
export function jsonText(response: Response): string | undefined {
  return response.bodyUsed ? undefined : jsonTexts.get(response);
}

/** A JSON error response: `{ error: { code, message } }` with a stable code. */
export function problem(status: number, code: string, message: string, headers?: Record<string, string>): Response {
  const answer: ProblemAnswer = { error: { code, message } };
  return json(status, answer, headers);
}

/**
 * The bearer token of a request: `Authorization: Bearer <token>`, or, where `url` is given, a
 * `token` query parameter (only where a header cannot be sent: `EventSource` on `/v1/stream`, a
 * keepalive ingest request; elsewhere a token in a URL would only end up in proxy logs).
 */
export function bearerToken(request: Request, url: URL | undefined): string | undefined {
  const header = request.headers.get('authorization');
  if (header !== null) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    return match?.[1];
  }
  return url?.searchParams.get('token') ?? undefined;
}

/**
 * The address a request came from: the connection's, or behind `trustProxy` proxies the
 * `X-Forwarded-For` entry that many hops from the end (each proxy appends the address it was
 * reached from; what lies further left was written by the client). Undefined when unknown.
 */
export function clientAddress(
  request: Request,
  remoteAddress: string | undefined,
  trustProxy: number,
): string | undefined {
  if (trustProxy === 0) return remoteAddress;
  const forwarded = request.headers.get('x-forwarded-for');
  const hops = forwarded === null ? [] : forwarded.split(',').map((entry) => entry.trim());
  if (remoteAddress !== undefined) hops.push(remoteAddress);
  // fewer entries than trusted proxies: the leftmost is the furthest address there is
  return hops[Math.max(0, hops.length - 1 - trustProxy)] || remoteAddress;
}

/**
 * The rate-limit key of an address: an IPv6 address by its /64 network (one host is usually
 * given a whole /64, and picks addresses in it freely), an IPv4-mapped one as the IPv4 address,
 * anything else as it is.
 */
export function addressKey(address: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (mapped !== null) return mapped[1] as string;
  if (!address.includes(':')) return address;
  // `::` stands for as many zero groups as make eight; a zone (`%eth0`) is not part of the address
  const [head = '', tail] = (address.split('%', 1)[0] as string).split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros = tail === undefined ? [] : Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0');
  const groups = [...left, ...zeros, ...right];
  if (groups.length < 4) return address;
  const network = groups.slice(0, 4).map((g) => g.toLowerCase().replace(/^0+(?=.)/, ''));
  return `${network.join(':')}::/64`;
}

/** Compares two tokens in time independent of where they first differ. */
export function sameToken(given: string, expected: string): boolean {
  const sameLength = given.length === expected.length;
  const compared = sameLength ? given : expected;
  let diff = sameLength ? 0 : 1;
  for (let i = 0; i < expected.length; i++) diff |= compared.charCodeAt(i) ^ expected.charCodeAt(i);
  return diff === 0;
}

/**
 * Checks a request's token against the accepted ones: 401 when absent, 403 when wrong. `url` when
 * the route also takes the token as `?token=` (see {@link bearerToken}), else `undefined`.
 */
export function checkToken(
  request: Request,
  url: URL | undefined,
  accepted: readonly string[],
): 'ok' | 'missing' | 'wrong' {
  if (accepted.length === 0) return 'ok';
  const token = bearerToken(request, url);
  if (token === undefined) return 'missing';
  let ok = false;
  for (const expected of accepted) ok = sameToken(token, expected) || ok;
  return ok ? 'ok' : 'wrong';
}

/** Why a body's declared form is refused before reading it, with the answer's headers. */
export type BodyHeadersVerdict =
  | { readonly ok: true }
  | { readonly ok: false; readonly code: 'unsupported_encoding' | 'unsupported_media_type'; readonly message: string };

const BODY_OK: BodyHeadersVerdict = Object.freeze({ ok: true });
// `text/plain` is what a keepalive request or `sendBeacon` sends to stay CORS-simple
const JSON_MEDIA = /^(?:application\/(?:[\w.-]+\+)?json|text\/plain)$/;
const CHARSET = /;\s*charset\s*=\s*"?([^";\s]+)/i;

/**
 * Checks what a request says its body is: no `Content-Encoding` but `identity` (the collector
 * decodes nothing), and a `Content-Type`, when present, that is JSON or `text/plain`, in UTF-8.
 */
export function checkBodyHeaders(request: Request): BodyHeadersVerdict {
  const encoding = request.headers.get('content-encoding');
  if (encoding !== null && !/^\s*(?:identity)?\s*$/i.test(encoding)) {
    return {
      ok: false,
      code: 'unsupported_encoding',
      message: `Content-Encoding ${JSON.stringify(encoding.slice(0, 64))} is not supported; send the body as it is.`,
    };
  }
  const type = request.headers.get('content-type');
  if (type === null) return BODY_OK;
  const media = (type.split(';', 1)[0] as string).trim().toLowerCase();
  const charset = CHARSET.exec(type)?.[1]?.toLowerCase();
  if (JSON_MEDIA.test(media) && (charset === undefined || charset === 'utf-8' || charset === 'utf8')) return BODY_OK;
  return {
    ok: false,
    code: 'unsupported_media_type',
    message: `Content-Type ${JSON.stringify(type.slice(0, 64))} is not accepted; send application/json (UTF-8).`,
  };
}

// what a page may send cross-origin without a preflight (the fetch standard's CORS-safelisted types)
const SIMPLE_MEDIA = /^(?:text\/plain|application\/x-www-form-urlencoded|multipart\/form-data)$/;

/**
 * False for a request a browser could have sent from a foreign page without a preflight (no
 * `Content-Type`, or a CORS-safelisted one) whose `Origin` is neither in the allow-list nor the
 * collector's own (`Sec-Fetch-Site: same-origin`, or the origin's host is the `Host`). A request
 * without `Origin` (not from a page) and one that needs a preflight (which the allow-list
 * answers) pass.
 */
export function crossOriginAllowed(request: Request, allowed: ReadonlySet<string>): boolean {
  const origin = request.headers.get('origin');
  if (origin === null || allowed.has(origin)) return true;
  const type = request.headers.get('content-type');
  if (type !== null && !SIMPLE_MEDIA.test((type.split(';', 1)[0] as string).trim().toLowerCase())) return true;
  if (request.headers.get('sec-fetch-site') === 'same-origin') return true;
  const host = request.headers.get('host');
  if (host === null) return false;
  try {
    return new URL(origin).host === host.toLowerCase();
  } catch {
    return false; // `Origin: null` (a sandboxed frame, a file) or garbage
  }
}

const ALLOW_METHODS = 'GET, POST, PUT, DELETE, OPTIONS';
const ALLOW_HEADERS = 'authorization, content-type';

/** CORS headers for an allowed origin, else none (the browser then blocks the response). */
export function corsHeaders(request: Request, allowed: ReadonlySet<string>): Record<string, string> | undefined {
  const origin = request.headers.get('origin');
  if (origin === null || !allowed.has(origin)) return undefined;
  // a page reads `X-Isotel-Node` to say which instance answered (the devtools' remote mode)
  return {
    'access-control-allow-origin': origin,
    vary: 'Origin',
    'access-control-expose-headers': 'retry-after, x-isotel-node',
  };
}

/** The answer to a CORS preflight: 204 with the allowed methods for a listed origin, else 403. */
export function preflight(request: Request, allowed: ReadonlySet<string>): Response {
  const cors = corsHeaders(request, allowed);
  if (cors === undefined) return problem(403, 'origin_not_allowed', 'This origin is not in the collector allow-list.');
  return new Response(null, {
    status: 204,
    headers: {
      ...cors,
      'access-control-allow-methods': ALLOW_METHODS,
      'access-control-allow-headers': ALLOW_HEADERS,
      'access-control-max-age': '600',
    },
  });
}

/** Copies CORS headers onto a response (its headers are mutable when we made it). */
export function withCors(response: Response, cors: Record<string, string> | undefined): Response {
  if (cors === undefined) return response;
  try {
    for (const key in cors) response.headers.set(key, cors[key] as string);
    return response;
  } catch {
    // immutable headers (a response from a user's metrics handler): copy it
    const headers = new Headers(response.headers);
    for (const key in cors) headers.set(key, cors[key] as string);
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  }
}
