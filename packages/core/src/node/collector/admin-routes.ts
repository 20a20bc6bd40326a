import { isValidName } from '../../bus/pattern.js';
import type { Telemetry } from '../../bus/telemetry.js';
import { isIsotelError } from '../../errors/isotel-error.js';
import type { CollectorStats, ControlAnswer, HandlerListing } from '../../export/collector-wire.js';
import { CONFIG_ROUTES, type ConfigRouteContext, routeConfig } from './config-routes.js';
import type { ControlStore } from './control-store.js';
import { checkBodyHeaders, checkToken, json, problem } from './http.js';
import { idProblem } from './ids.js';
import { bodyProblem, readBody } from './read-body.js';
import type { CollectorState } from './store/collector-store.js';

/** What the admin routes act on. */
export interface AdminContext extends ConfigRouteContext {
  readonly adminToken: string | undefined;
  readonly controls: ControlStore;
  /** Where control changes go, so every collector sharing the store gets them. */
  readonly state: CollectorState;
  readonly telemetry: Telemetry;
  readonly stats: () => CollectorStats;
  /** The collector's `node` name, in the self-events of admin actions. */
  readonly node: string;
  /** Time limit for a control body to arrive. */
  readonly bodyTimeoutMs: number;
}

const CONTROL_PATH = /^\/v1\/control(?:\/([^/]+))?$/;
const HANDLER_PATH = /^\/v1\/handlers\/([^/]+)$/;
/** Handlers the collector attaches itself (its stream fan-out); detaching them would break it. */
const COLLECTOR_HANDLER_PREFIX = 'isotel.collector.';
const MAX_CONTROL_BYTES = 64 * 1024;
// a control is at most three levels deep ({ rules: [{ pattern }] }); far deeper is an attack
const MAX_CONTROL_DEPTH = 32;

/**
 * `GET /v1/handlers`, `DELETE /v1/handlers/:id`, `GET /v1/stats`, `GET|PUT /v1/control` and
 * `GET|PUT|DELETE /v1/control/:clientId`, `GET|PATCH /v1/config` and `GET /v1/exporters`, all
 * behind the admin token; `GET /v1/control?name=` also says what that control does with an event
 * of that name. Returns `undefined` for other paths.
 */
export async function routeAdmin(request: Request, url: URL, ctx: AdminContext): Promise<Response | undefined> {
  const path = url.pathname;
  const control = CONTROL_PATH.exec(path);
  const handler = control === null ? HANDLER_PATH.exec(path) : null;
  const configRoute = CONFIG_ROUTES.has(path);
  if (path !== '/v1/handlers' && path !== '/v1/stats' && control === null && handler === null && !configRoute) {
    return undefined;
  }
  // header only: a token in the URL of these routes would be kept by every proxy's access log
  const auth = checkToken(request, undefined, ctx.adminToken === undefined ? [] : [ctx.adminToken]);
  if (auth === 'missing' && url.searchParams.has('token')) {
    return problem(400, 'token_in_url', 'Send the admin token as Authorization: Bearer, not in the URL.');
  }
  if (auth === 'missing') {
    return problem(401, 'unauthorized', 'The admin token is required.', { 'www-authenticate': 'Bearer' });
  }
  if (auth === 'wrong') return problem(403, 'forbidden', 'This token is not the admin token.');
  if (configRoute) return routeConfig(request, url, ctx);
  if (handler !== null) return detachHandler(request, handler[1] as string, ctx);
  if (control === null) {
    if (request.method !== 'GET') return problem(405, 'method_not_allowed', 'Use GET.', { allow: 'GET' });
    if (path === '/v1/stats') return json(200, ctx.stats());
    const listing: HandlerListing = { handlers: ctx.telemetry.listHandlers() };
    return json(200, listing);
  }
  const clientId = control[1] === undefined ? undefined : decodeId(control[1]);
  if (typeof clientId === 'object') return problem(400, 'invalid_client_id', `The client id ${clientId.problem}.`);
  switch (request.method) {
    case 'GET':
      return getControl(url, ctx, clientId);
    case 'PUT':
      return putControl(request, ctx, clientId);
    case 'DELETE':
      if (clientId === undefined) return problem(405, 'method_not_allowed', 'Use GET or PUT.', { allow: 'GET, PUT' });
      await ctx.state.clearControl(clientId).shared;
      return controlAnswer(clientId, ctx.controls.effective(clientId));
    default:
      return problem(405, 'method_not_allowed', 'Use GET, PUT or DELETE.', { allow: 'GET, PUT, DELETE' });
  }
}

// `?name=` (and `&correlationId=`, else `&spanId=`) adds what the control does with that event.
function getControl(url: URL, ctx: AdminContext, clientId: string | undefined): Response {
  const control = ctx.controls.effective(clientId);
  const name = url.searchParams.get('name');
  if (name === null) return controlAnswer(clientId, control);
  if (!isValidName(name)) return problem(400, 'invalid_name', 'The name is not a valid event name.');
  const correlationId = url.searchParams.get('correlationId');
  const spanId = url.searchParams.get('spanId');
  const metadata = correlationId !== null ? { correlationId } : spanId !== null ? { spanId } : undefined;
  const answer: ControlAnswer = {
    ...(clientId === undefined ? {} : { clientId }),
    control,
    decision: ctx.controls.explain(name, clientId, metadata),
  };
  return json(200, answer);
}

function detachHandler(request: Request, segment: string, ctx: AdminContext): Response {
  if (request.method !== 'DELETE') return problem(405, 'method_not_allowed', 'Use DELETE.', { allow: 'DELETE' });
  const handlerId = decodeId(segment);
  if (typeof handlerId === 'object') return problem(400, 'invalid_handler_id', `The handler id ${handlerId.problem}.`);
  if (handlerId.startsWith(COLLECTOR_HANDLER_PREFIX)) {
    return problem(409, 'collector_handler', `${handlerId} belongs to the collector itself and stays attached.`);
  }
  if (!ctx.telemetry.detach(handlerId)) return problem(404, 'unknown_handler', `No handler ${handlerId} is attached.`);
  ctx.telemetry.emit('isotel.collector.handler.detach', { count: 1 }, { node: ctx.node, handlerId });
  return new Response(null, { status: 204, headers: { 'cache-control': 'no-store' } });
}

async function putControl(request: Request, ctx: AdminContext, clientId: string | undefined): Promise<Response> {
  const form = checkBodyHeaders(request);
  if (!form.ok) return problem(415, form.code, form.message);
  const body = await readBody(request, MAX_CONTROL_BYTES, ctx.bodyTimeoutMs);
  if (!body.ok) {
    const refusal = bodyProblem(body.reason, MAX_CONTROL_BYTES);
    return problem(refusal.status, refusal.code, refusal.message);
  }
  if (nestingDepth(body.text) > MAX_CONTROL_DEPTH) {
    return problem(400, 'too_deep', `The control nests deeper than ${MAX_CONTROL_DEPTH} levels.`);
  }
  let input: unknown;
  try {
    input = JSON.parse(body.text);
  } catch {
    return problem(400, 'malformed_json', 'The body is not valid JSON.');
  }
  try {
    const { control, shared } = ctx.state.setControl(clientId, input);
    // answered once every collector sharing the store was told (or the store failed: logged)
    await shared;
    return controlAnswer(clientId, control);
  } catch (error) {
    if (isIsotelError(error)) return problem(400, error.code, error.message);
    throw error;
  }
}

function controlAnswer(clientId: string | undefined, control: ControlAnswer['control']): Response {
  const answer: ControlAnswer = clientId === undefined ? { control } : { clientId, control };
  return json(200, answer);
}

// The deepest nesting of arrays and objects in JSON text (brackets inside strings do not count),
// read before parsing: validating a 30,000-deep value would overflow the stack.
function nestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // a backslash escapes the next character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) deepest = Math.max(deepest, ++depth);
    else if (c === 0x5d || c === 0x7d) depth--;
  }
  return deepest;
}

// An id from a path segment, or what is wrong with it (to finish "The client id ...").
function decodeId(segment: string): string | { problem: string } {
  let id: string;
  try {
    id = decodeURIComponent(segment);
  } catch {
    return { problem: 'is not valid URL encoding' };
  }
  const problem = idProblem(id);
  return problem === undefined ? id : { problem };
}
