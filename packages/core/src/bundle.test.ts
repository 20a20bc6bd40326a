import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Rollup } from 'vite';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT_ENTRY = fileURLToPath(new URL('./index.ts', import.meta.url));
// Optional peers stay external (their subpaths own them); everything else is bundled.
const OPTIONAL_PEERS = ['idb', 'prom-client', 'hot-shots', '@opentelemetry/api', '@playwright/test'];

interface BrowserBundle {
  readonly code: string;
  readonly imports: readonly string[];
  readonly warnings: readonly string[];
}

/** Bundles `entry` the way a browser app would (Vite library build, browser conditions). */
async function bundleForBrowser(entry: string): Promise<BrowserBundle> {
  const warnings: string[] = [];
  const output = await build({
    configFile: false,
    logLevel: 'silent',
    resolve: { conditions: ['@isotel/source', 'browser', 'module'] },
    build: {
      write: false,
      minify: false,
      lib: { entry, formats: ['es'], fileName: 'isotel' },
      rollupOptions: {
        external: OPTIONAL_PEERS,
        onwarn: (warning) => {
          warnings.push(warning.message);
        },
      },
    },
  });
  const results = (Array.isArray(output) ? output : [output]) as Rollup.RollupOutput[];
  const chunks = results.flatMap((r) => r.output).filter((o): o is Rollup.OutputChunk => o.type === 'chunk');
  return {
    code: chunks.map((c) => c.code).join('\n'),
    imports: chunks.flatMap((c) => [...c.imports, ...c.dynamicImports]),
    warnings,
  };
}

const NODE_BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

/** Every sign that Node code reached a browser bundle. */
function nodeLeaks(bundle: BrowserBundle): string[] {
  const leaks = bundle.imports.filter((i) => i.startsWith('node:') || NODE_BUILTINS.has(i));
  // Vite replaces a Node builtin it cannot bundle for the browser by a stub that throws on use
  if (/__vite-browser-external|browser-external:|externalized for browser compatibility/.test(bundle.code)) {
    leaks.push('vite browser-external stub');
  }
  for (const match of bundle.code.matchAll(/\b(?:from|import|require)\s*\(?\s*["'](node:[\w/]+)["']/g)) {
    leaks.push(match[1] as string);
  }
  for (const w of bundle.warnings) if (/externalized for browser compatibility|node:/.test(w)) leaks.push(w);
  return leaks;
}

const tempDirs: string[] = [];
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

describe('the root entry of @isotel/core bundles for the browser', () => {
  it('pulls in no node:* import or Node builtin', async () => {
    const bundle = await bundleForBrowser(ROOT_ENTRY);
    expect(bundle.code).toContain('telemetry.handler.failure'); // the bus is really in it
    expect(nodeLeaks(bundle)).toEqual([]);
  }, 60_000);

  it('leaves nothing unresolved: every dependency is bundled, except the optional peers', async () => {
    const bundle = await bundleForBrowser(ROOT_ENTRY);
    const unresolved = bundle.warnings
      .filter((w) => /UNRESOLVED_IMPORT|Could not resolve/.test(w))
      .map((w) => /Could not resolve '([^']+)'/.exec(w)?.[1] ?? w);
    expect(unresolved).toEqual([]);
  }, 60_000);

  it('contains no prom-client or hot-shots code, not even as an external import', async () => {
    const bundle = await bundleForBrowser(ROOT_ENTRY);
    expect(bundle.imports.filter((i) => i === 'prom-client' || i === 'hot-shots')).toEqual([]);
    expect(bundle.code).not.toMatch(/prom-client|hot-shots|prom_client|hot_shots/);
    // tell-tale strings of each library's own code
    expect(bundle.code).not.toContain('collectDefaultMetrics');
    expect(bundle.code).not.toContain('mock: true, globalTags');
  }, 60_000);

  it.each(['metrics', 'config', 'monitors', 'runtime'])(
    'has browser-safe subpaths beside it: @isotel/core/%s pulls in no Node code either',
    async (subpath) => {
      const bundle = await bundleForBrowser(fileURLToPath(new URL(`./${subpath}/index.ts`, import.meta.url)));
      expect(bundle.code.length).toBeGreaterThan(0);
      expect(nodeLeaks(bundle)).toEqual([]);
    },
    60_000,
  );

  it.each([
    ['a bare import', `import 'node:fs';\n`],
    ['a used import', `import { readFileSync } from 'node:fs';\nexport const read = readFileSync;\n`],
  ])(
    'would catch it: the root entry plus %s of node:fs is reported as a leak',
    async (_kind, extra) => {
      const dir = mkdtempSync(join(tmpdir(), 'isotel-bundle-'));
      tempDirs.push(dir);
      const entry = join(dir, 'entry.ts');
      writeFileSync(entry, `${extra}export * from ${JSON.stringify(ROOT_ENTRY)};\n`);
      const bundle = await bundleForBrowser(entry);
      expect(nodeLeaks(bundle)).toContain('vite browser-external stub');
    },
    60_000,
  );
});
