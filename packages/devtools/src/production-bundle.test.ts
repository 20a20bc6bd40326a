import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin, type Rollup } from 'vite';
import { afterAll, describe, expect, it } from 'vitest';

// A string only the real panel contains (the separator's accessible name).
const MARKER = 'Resize isotel devtools';
const packageDir = fileURLToPath(new URL('..', import.meta.url));
const playgroundDir = fileURLToPath(new URL('../../../playground/', import.meta.url));
const conditions = ['@isotel/source', 'module', 'browser', 'development|production'];

function entry(source: string): Plugin {
  return {
    name: 'devtools-entry',
    resolveId: (id) => (id === 'devtools-entry' ? '\0devtools-entry' : undefined),
    load: (id) => (id === '\0devtools-entry' ? source : undefined),
  };
}

async function withNodeEnv<T>(env: string, fn: () => Promise<T>): Promise<T> {
  const before = process.env.NODE_ENV;
  process.env.NODE_ENV = env;
  try {
    return await fn();
  } finally {
    process.env.NODE_ENV = before;
  }
}

/** Bundles a one-line app that mounts the devtools from `specifier`, in `env`, and returns the JS. */
async function bundle(specifier: string, env: 'production' | 'development'): Promise<string> {
  const result = await withNodeEnv(env, () =>
    build({
      configFile: false,
      root: packageDir,
      logLevel: 'silent',
      mode: env,
      plugins: [entry(`import { mountDevtools } from '${specifier}';\nmountDevtools(document.body);\n`)],
      resolve: { conditions },
      build: {
        write: false,
        minify: true,
        rolldownOptions: { input: 'devtools-entry' },
      },
    }),
  );
  const outputs = (Array.isArray(result) ? result : [result]) as Rollup.RollupOutput[];
  return outputs
    .flatMap((o) => o.output)
    .map((chunk) => (chunk.type === 'chunk' ? chunk.code : ''))
    .join('\n');
}

const tempDirs: string[] = [];
afterAll(async () => {
  for (const dir of tempDirs) await rm(dir, { recursive: true, force: true });
});

describe('production bundles', () => {
  it('drop the panel imported from the root entry', async () => {
    expect((await bundle('@isotel/devtools', 'production')).includes(MARKER)).toBe(false);
  }, 120_000);

  it('keep the panel from the root entry in development builds (so the check above can fail)', async () => {
    expect((await bundle('@isotel/devtools', 'development')).includes(MARKER)).toBe(true);
  }, 120_000);

  it('keep the panel imported from @isotel/devtools/production', async () => {
    expect((await bundle('@isotel/devtools/production', 'production')).includes(MARKER)).toBe(true);
  }, 120_000);

  it('of the playground leave the panel out', async () => {
    const outDir = await mkdtemp(join(tmpdir(), 'isotel-playground-'));
    tempDirs.push(outDir);
    await withNodeEnv('production', () =>
      build({
        configFile: join(playgroundDir, 'vite.config.ts'),
        root: playgroundDir,
        logLevel: 'silent',
        mode: 'production',
        build: { outDir, emptyOutDir: true },
      }),
    );
    const assets = join(outDir, 'assets');
    const files = (await readdir(assets)).filter((f) => f.endsWith('.js'));
    expect(files.length).toBeGreaterThan(0);
    let found = false;
    for (const file of files) found ||= (await readFile(join(assets, file), 'utf8')).includes(MARKER);
    expect(found).toBe(false);
  }, 120_000);
});
