import { readFileSync } from 'node:fs';
import { runInThisContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { GENERATED_PATH, renderPageBridgeModule } from '../../../../scripts/build-page-bridge.mjs';
import { Telemetry } from '../bus/telemetry.js';
import { sanitizeMetadata } from '../sanitize/sanitize-metadata.js';
import type { BridgedEvent } from './page-bridge.js';
import { pageBridgeScript } from './page-bridge-script.js';

type Scope = Record<string | symbol, unknown>;
const scope = globalThis as unknown as Scope;

describe('the page script is built from the real page bridge and sanitiser', () => {
  it('page-bridge-script.generated.ts matches its sources (run `npm run build:page-bridge` if not)', async () => {
    expect(readFileSync(GENERATED_PATH, 'utf8')).toBe(await renderPageBridgeModule());
  }, 30_000);

  it('run as a script, forwards events with sanitised metadata and exact measurements, and leaves no global', async () => {
    const options = { binding: '__scriptTest', registryKey: 'isotel.bridge-script-test', handlerId: 'bridge' };
    const received: BridgedEvent[] = [];
    scope[options.binding] = async (batch: BridgedEvent[]) => {
      received.push(...batch);
    };
    const originalDefineProperty = Object.defineProperty;
    try {
      runInThisContext(pageBridgeScript(options));
      expect(scope.isotelPageBridge).toBeUndefined();
      const telemetry = new Telemetry();
      Object.defineProperty(globalThis, Symbol.for(options.registryKey), {
        value: { version: '0.1.0', telemetry },
        configurable: true,
      });
      expect(Object.defineProperty).toBe(originalDefineProperty);
      const cyclic: Record<string, unknown> = { id: 1 };
      cyclic.self = cyclic;
      const metadata = { error: new TypeError('boom'), big: 10n, cyclic, long: 'x'.repeat(5000), nan: Number.NaN };
      telemetry.emit('app.boot', { ms: 1.5, nan: Number.NaN, zero: -0 }, metadata);
      await new Promise<void>((resolve) => queueMicrotask(resolve));
      expect(received).toHaveLength(1);
      expect(received[0]?.name).toBe('app.boot');
      expect(received[0]?.measurements).toEqual({ ms: 1.5, nan: Number.NaN, zero: -0 });
      expect(received[0]?.measurements.zero).toBe(-0);
      expect(received[0]?.metadata).toEqual(sanitizeMetadata(metadata));
    } finally {
      delete scope[options.binding];
      Reflect.deleteProperty(globalThis, Symbol.for(options.registryKey));
      Object.defineProperty = originalDefineProperty;
    }
  });
});
