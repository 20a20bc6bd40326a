#!/usr/bin/env node
// The packages as users get them: each one's `npm pack` tarball checked by publint and
// @arethetypeswrong/cli, and each public entry's size (minified + gzip) against its budget in
// scripts/size-budgets.json (every entry of every package must have one). Prints one line per
// check; with `--report FILE` also writes `{ passed, failed, checks }` for scripts/test.mjs's
// closing line. `--sizes` prints the sizes only.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { PACKAGES, packAll, root } from './pack.mjs';

const budgets = JSON.parse(readFileSync(join(root, 'scripts/size-budgets.json'), 'utf8'));

/** Bundles `source` as a user's bundler would (from `dist`, minified) and returns its sizes in bytes. */
export async function measure(source, platform) {
  const own = new Set(PACKAGES.map((p) => p.name));
  const peers = new Set();
  for (const p of PACKAGES) {
    const manifest = JSON.parse(readFileSync(join(root, p.dir, 'package.json'), 'utf8'));
    for (const dependency of Object.keys(manifest.dependencies ?? {})) own.add(dependency);
    for (const peer of Object.keys(manifest.peerDependencies ?? {})) peers.add(peer);
  }
  peers.delete('@isotel/core');
  peers.delete('@isotel/react');
  const result = await build({
    stdin: { contents: source, resolveDir: root, loader: 'js' },
    absWorkingDir: root,
    bundle: true,
    minify: true,
    format: 'esm',
    platform,
    target: 'es2022',
    write: false,
    metafile: true,
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"' },
    plugins: [
      {
        // isotel's packages and their dependencies (with theirs) are counted; peers (React,
        // prom-client, ...) are the user's. A package isotel's code imports without declaring it
        // stays external too, so that it shows among what the entry loads.
        name: 'external-peers',
        setup(b) {
          b.onResolve({ filter: /^[^./]/ }, (args) => {
            const name = args.path.startsWith('@')
              ? args.path.split('/').slice(0, 2).join('/')
              : args.path.split('/')[0];
            if (name.startsWith('node:') || builtinModules.includes(name)) return { path: args.path, external: true };
            if (peers.has(name)) return { path: args.path, external: true };
            const fromDependency =
              args.importer.includes('/node_modules/') && !/\/packages\/\w+\/dist\//.test(args.importer);
            return own.has(name) || fromDependency ? undefined : { path: args.path, external: true };
          });
        },
      },
    ],
  });
  const code = result.outputFiles[0]?.contents ?? new Uint8Array();
  // the packages it imports when it loads, builtins aside; an `import()` made by a call is not
  // loading (applyOtlpConfig brings the OpenTelemetry SDK only when export starts)
  const loads = new Set();
  for (const output of Object.values(result.metafile.outputs)) {
    for (const { path, external, kind } of output.imports) {
      if (!external || kind === 'dynamic-import') continue;
      if (path.startsWith('node:') || builtinModules.includes(path)) continue;
      loads.add(path.startsWith('@') ? path.split('/').slice(0, 2).join('/') : path.split('/')[0]);
    }
  }
  return { min: code.byteLength, gzip: gzipSync(code, { level: 9 }).byteLength, loads: [...loads].sort() };
}

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

async function sizes() {
  const out = [];
  for (const entry of budgets.entries) {
    const { min, gzip, loads } = await measure(entry.source, entry.platform);
    out.push({ ...entry, min, gzip, loaded: loads, ok: gzip <= entry.budgetBytes });
  }
  return out;
}

/**
 * Unpacks a tarball and lists what does not resolve: a `sourceMappingURL` naming a missing map, or
 * a map whose sources are not carried in `sourcesContent` (the sources are not shipped).
 */
export function unresolvedSourceMaps(tarball, into) {
  mkdirSync(into, { recursive: true });
  run('tar', ['-xzf', tarball, '-C', into]);
  const problems = [];
  const dir = join(into, 'package');
  for (const file of readdirSync(dir, { recursive: true })) {
    const path = join(dir, file);
    if (file.endsWith('.js')) {
      const url = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(readFileSync(path, 'utf8'))?.[1];
      if (url !== undefined && !existsSync(join(dirname(path), url))) problems.push(`${file} → ${url}`);
    } else if (file.endsWith('.map')) {
      const map = JSON.parse(readFileSync(path, 'utf8'));
      const carried = map.sources.every((_, i) => typeof map.sourcesContent?.[i] === 'string');
      if (!carried) problems.push(`${file}: no sourcesContent`);
    }
  }
  return problems;
}

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return { ok: result.status === 0, output: `${result.stdout}${result.stderr}`.trim() };
}

async function main() {
  const args = process.argv.slice(2);
  const reportAt = args.indexOf('--report');
  const report = reportAt === -1 ? undefined : args[reportAt + 1];
  const checks = [];
  const record = (name, ok, detail = '') => {
    checks.push({ name, ok, detail });
    console.info(`${ok ? 'ok  ' : 'FAIL'} ${name}${detail ? `  ${detail}` : ''}`);
  };

  const packs = mkdtempSync(join(tmpdir(), 'isotel-packs-'));
  try {
    let tarballs;
    try {
      tarballs = packAll(packs);
    } catch (error) {
      record('build and pack', false, String(error));
    }
    if (tarballs && !args.includes('--sizes')) {
      for (const p of PACKAGES) {
        const tarball = tarballs[p.name];
        const listing = run('tar', ['-tzf', tarball]).output.split('\n');
        const shipped = (file) => listing.includes(`package/${file}`);
        const internal = listing.filter((f) => /\.tsbuildinfo$|\.test\.|test-kit|\.d\.ts\.map$/.test(f));
        record(
          `${p.name}: README, LICENSE, nothing build-internal`,
          shipped('README.md') && shipped('LICENSE') && internal.length === 0,
          internal.join(' '),
        );
        const unresolved = unresolvedSourceMaps(tarball, join(packs, p.name.replace('/', '-')));
        record(`${p.name}: source maps resolve`, unresolved.length === 0, unresolved.slice(0, 5).join(' '));
        const lint = run('npx', ['publint', '--strict', p.dir]);
        const clean = lint.ok && lint.output.includes('All good!');
        record(`${p.name}: publint`, clean, clean ? '' : lint.output);
        // ES modules only, by design: CommonJS `require` and node10 resolution are not supported
        const types = run('npx', ['attw', tarball, '--profile', 'esm-only']);
        record(`${p.name}: are the types wrong`, types.ok, types.ok ? '' : types.output);
      }
    }
    if (tarballs) {
      // every public entry point of every package has a budget, so a new subpath cannot ship unmeasured
      const unbudgeted = PACKAGES.flatMap((p) => {
        const manifest = JSON.parse(readFileSync(join(root, p.dir, 'package.json'), 'utf8'));
        return Object.keys(manifest.exports ?? {})
          .filter((subpath) => subpath !== './package.json')
          .map((subpath) => `${p.name}${subpath.slice(1)}`)
          .filter((entry) => !budgets.entries.some((b) => b.source.includes(`from '${entry}'`)));
      });
      record('every public entry has a size budget', unbudgeted.length === 0, unbudgeted.join(' '));
      for (const s of await sizes()) {
        const expected = [...s.loads].sort();
        record(
          `${s.name} loads only ${expected.length === 0 ? 'isotel and its dependencies' : expected.join(', ')}`,
          JSON.stringify(s.loaded) === JSON.stringify(expected),
          `loads: ${s.loaded.join(', ') || 'nothing else'}`,
        );
        record(`size of ${s.name}`, s.ok, `${kb(s.gzip)} gzip (${kb(s.min)} minified), budget ${kb(s.budgetBytes)}`);
      }
    }
  } finally {
    rmSync(packs, { recursive: true, force: true });
  }
  const failed = checks.filter((c) => !c.ok).length;
  if (report) writeFileSync(report, JSON.stringify({ passed: checks.length - failed, failed, checks }, null, 2));
  process.exitCode = failed === 0 && checks.length > 0 ? 0 : 1;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
