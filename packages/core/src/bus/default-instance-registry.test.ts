import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type * as LoggerModule from '../log/logger.js';
import { VERSION } from '../version.js';
import type * as DefaultApi from './default-api.js';
import type * as DefaultInstance from './default-instance.js';

const REGISTRY_KEY = Symbol.for('isotel.registry');
type Scope = typeof globalThis & { [REGISTRY_KEY]?: unknown };

// Each fresh import stands for one more copy of @isotel/core in the same page or process
// (two bundles, a library and an app): module state is new, globalThis is shared.
async function loadCopy(): Promise<{
  instance: typeof DefaultInstance;
  api: typeof DefaultApi;
  log: typeof LoggerModule;
}> {
  vi.resetModules();
  const log = await import('../log/logger.js');
  const instance = await import('./default-instance.js');
  const api = await import('./default-api.js');
  return { instance, api, log };
}

function clearRegistry(): void {
  delete (globalThis as Scope)[REGISTRY_KEY];
}

describe('the default instance is shared through a versioned globalThis registry', () => {
  let saved: PropertyDescriptor | undefined;
  beforeEach(() => {
    saved = Object.getOwnPropertyDescriptor(globalThis, REGISTRY_KEY);
    clearRegistry();
  });
  afterEach(() => {
    clearRegistry();
    if (saved !== undefined) Object.defineProperty(globalThis, REGISTRY_KEY, saved);
  });

  it('gives two copies of the package one and the same bus', async () => {
    const first = await loadCopy();
    const second = await loadCopy();
    expect(first.instance).not.toBe(second.instance); // really two module copies
    expect(second.instance.getDefaultTelemetry()).toBe(first.instance.getDefaultTelemetry());
  });

  it('delivers an event emitted through one copy to a handler attached through the other', async () => {
    const library = await loadCopy();
    const app = await loadCopy();
    const seen: string[] = [];
    app.api.attach('app-log', 'lib.**', (name) => seen.push(name));
    library.api.emit('lib.request.stop', { duration: 3 });
    expect(seen).toEqual(['lib.request.stop']);
    expect(library.api.listHandlers().map((h) => h.id)).toEqual(['app-log']);
    expect(library.api.detach('app-log')).toBe(true);
  });

  it('records its version and cannot be overwritten by accident', async () => {
    const copy = await loadCopy();
    const bus = copy.instance.getDefaultTelemetry();
    const record = (globalThis as Scope)[REGISTRY_KEY] as { version: string; telemetry: unknown };
    expect(record).toEqual({ version: VERSION, telemetry: bus });
    expect(Object.keys(globalThis)).not.toContain(REGISTRY_KEY.toString());
    // modules are strict, so writing a non-writable property throws instead of failing silently
    expect(() => {
      (globalThis as Scope)[REGISTRY_KEY] = { version: '0.0.0', telemetry: {} };
    }).toThrow(TypeError);
  });

  it('shares with a copy of the same major version but another minor', async () => {
    const copy = await loadCopy();
    const major = VERSION.split('.')[0];
    const foreign = copy.instance.getDefaultTelemetry();
    clearRegistry();
    Object.defineProperty(globalThis, REGISTRY_KEY, {
      value: { version: `${major}.99.0`, telemetry: foreign },
      configurable: true,
    });
    const later = await loadCopy();
    expect(later.instance.getDefaultTelemetry()).toBe(foreign);
  });

  it('refuses a bus of another major version with a logged warning and keeps a private one, never crashing', async () => {
    const foreign = { marker: 'from isotel 99' };
    Object.defineProperty(globalThis, REGISTRY_KEY, {
      value: { version: '99.0.0', telemetry: foreign },
      configurable: true,
    });
    const copy = await loadCopy();
    const warnings: string[] = [];
    copy.log.setLogger({ warn: (message) => warnings.push(message), error() {} });

    const bus = copy.instance.getDefaultTelemetry();
    expect(bus).not.toBe(foreign);
    expect(warnings).toEqual([
      `@isotel/core ${VERSION} found a default bus of version 99.0.0 on this page; majors differ, so this copy keeps its own bus.`,
    ]);
    // the private bus works, and the other version's record is left alone
    const seen: string[] = [];
    copy.api.attach('mine', 'x', (name) => seen.push(name));
    copy.api.emit('x');
    expect(seen).toEqual(['x']);
    expect(((globalThis as Scope)[REGISTRY_KEY] as { telemetry: unknown }).telemetry).toBe(foreign);
    // resolved once: asking again neither warns again nor changes the bus
    expect(copy.instance.getDefaultTelemetry()).toBe(bus);
    expect(warnings).toHaveLength(1);
  });

  it.each([
    ['a record without a version', { telemetry: {} }],
    ['a same-major record without a bus', { version: VERSION, telemetry: { marker: 1 } }],
    ['a string', 'isotel'],
  ])('keeps a private bus, with a warning, next to %s', async (_label, record) => {
    Object.defineProperty(globalThis, REGISTRY_KEY, { value: record, configurable: true });
    const copy = await loadCopy();
    const warnings: string[] = [];
    copy.log.setLogger({ warn: (message) => warnings.push(message), error() {} });
    const seen: string[] = [];
    copy.api.attach('mine', 'x', (name) => seen.push(name));
    copy.api.emit('x');
    expect(seen).toEqual(['x']);
    expect(warnings).toEqual([
      `@isotel/core ${VERSION} found an unreadable default-bus record on this page; this copy keeps its own bus.`,
    ]);
  });
});
