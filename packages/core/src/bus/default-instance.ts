import { logger } from '../log/logger.js';
import { VERSION } from '../version.js';
import { Telemetry } from './telemetry.js';

// The default instance lives in a globalThis registry keyed by a Symbol.for, so two copies of
// @isotel/core in one page (two bundles, a library and an app) share one bus. A copy of another
// major version is refused: it keeps a private instance and says so, rather than crash.
const REGISTRY_KEY = Symbol.for('isotel.registry');

interface RegistryRecord {
  readonly version: string;
  readonly telemetry: Telemetry;
}

type GlobalWithRegistry = typeof globalThis & { [REGISTRY_KEY]?: unknown };

let resolved: Telemetry | undefined;

function major(version: string): string {
  return version.split('.')[0] ?? version;
}

// Another copy (or a hostile script) may have left anything under the key.
function isRecord(value: unknown): value is { readonly version: string; readonly telemetry: unknown } {
  return typeof value === 'object' && value !== null && typeof (value as { version?: unknown }).version === 'string';
}

function isBus(value: unknown): value is Telemetry {
  return typeof value === 'object' && value !== null && typeof (value as { emit?: unknown }).emit === 'function';
}

/**
 * The process- or page-wide default instance the module-level functions act on.
 *
 * @example getDefaultTelemetry().listHandlers()
 */
export function getDefaultTelemetry(): Telemetry {
  if (resolved !== undefined) return resolved;
  const scope = globalThis as GlobalWithRegistry;
  const existing = scope[REGISTRY_KEY];
  if (existing === undefined) {
    resolved = new Telemetry();
    Object.defineProperty(scope, REGISTRY_KEY, {
      value: { version: VERSION, telemetry: resolved } satisfies RegistryRecord,
      configurable: true,
      enumerable: false,
      writable: false,
    });
  } else if (isRecord(existing) && major(existing.version) !== major(VERSION)) {
    logger().warn(
      `@isotel/core ${VERSION} found a default bus of version ${existing.version} on this page; majors differ, so this copy keeps its own bus.`,
    );
    resolved = new Telemetry();
  } else if (isRecord(existing) && isBus(existing.telemetry)) {
    resolved = existing.telemetry;
  } else {
    logger().warn(
      `@isotel/core ${VERSION} found an unreadable default-bus record on this page; this copy keeps its own bus.`,
    );
    resolved = new Telemetry();
  }
  return resolved;
}
