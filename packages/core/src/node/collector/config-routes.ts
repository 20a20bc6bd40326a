// The admin routes of the configuration and of exporters' status: read the effective config with
// the source of each value, change keys at runtime, read every exporter's and reporter's status.
import type { Config, ConfigChanges } from '../../config/config.js';
import { type ExporterStatus, readStatus, type StatusSource } from '../../config/exporter-status.js';
import { isIsotelError } from '../../errors/isotel-error.js';
import type { ExporterListing } from '../../export/collector-wire.js';
import { checkBodyHeaders, json, problem } from './http.js';
import { bodyProblem, readBody } from './read-body.js';

/** What the config and status routes act on. */
export interface ConfigRouteContext {
  readonly config: Config | undefined;
  readonly exporters: Readonly<Record<string, StatusSource>>;
  /** The collector's `node` name: changes are recorded with source `admin API (<node>)`. */
  readonly node: string;
  readonly bodyTimeoutMs: number;
}

/** The config and exporter routes' paths; the caller checks the admin token first. */
export const CONFIG_ROUTES: ReadonlySet<string> = new Set(['/v1/config', '/v1/exporters']);

const MAX_CONFIG_BYTES = 64 * 1024;

/**
 * `GET /v1/config` → `{ entries: [{ path, value, source }] }` (secrets redacted);
 * `PATCH /v1/config` with `{ "<path>": value, ... }` applies all of them or none (400
 * `invalid_config` naming the key); `GET /v1/exporters` → `{ exporters: ExporterStatus[] }`.
 */
export async function routeConfig(request: Request, url: URL, ctx: ConfigRouteContext): Promise<Response> {
  if (url.pathname === '/v1/exporters') {
    if (request.method !== 'GET') return problem(405, 'method_not_allowed', 'Use GET.', { allow: 'GET' });
    const exporters: ExporterStatus[] = [];
    for (const [name, source] of Object.entries(ctx.exporters)) {
      const status = readStatus(name, source);
      if (status !== undefined) exporters.push(status);
    }
    const listing: ExporterListing = { exporters };
    return json(200, listing);
  }
  const config = ctx.config;
  if (config === undefined) {
    return problem(404, 'no_config', 'This collector was created without a configuration (the `config` option).');
  }
  if (request.method === 'GET') return json(200, { entries: config.entries() });
  if (request.method !== 'PATCH')
    return problem(405, 'method_not_allowed', 'Use GET or PATCH.', { allow: 'GET, PATCH' });
  const form = checkBodyHeaders(request);
  if (!form.ok) return problem(415, form.code, form.message);
  const body = await readBody(request, MAX_CONFIG_BYTES, ctx.bodyTimeoutMs);
  if (!body.ok) {
    const refusal = bodyProblem(body.reason, MAX_CONFIG_BYTES);
    return problem(refusal.status, refusal.code, refusal.message);
  }
  let changes: unknown;
  try {
    changes = JSON.parse(body.text);
  } catch {
    return problem(400, 'malformed_json', 'The body is not valid JSON.');
  }
  try {
    config.update(changes as ConfigChanges, { source: `admin API (${ctx.node})` });
  } catch (error) {
    if (isIsotelError(error)) return problem(400, error.code, error.message);
    throw error;
  }
  return json(200, { entries: config.entries() });
}
