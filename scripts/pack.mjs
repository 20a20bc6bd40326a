// Builds the three packages from a clean `dist` and packs them with `npm pack`, as they would be
// published: used by the package checks (publint, attw, sizes) and the fresh-app e2e test.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The published packages and their folders. */
export const PACKAGES = [
  { name: '@isotel/core', dir: 'packages/core', tsbuildinfo: '.tsbuild/core.tsbuildinfo' },
  { name: '@isotel/react', dir: 'packages/react', tsbuildinfo: '.tsbuild/react.tsbuildinfo' },
  { name: '@isotel/devtools', dir: 'packages/devtools', tsbuildinfo: '.tsbuild/devtools.tsbuildinfo' },
];

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  }
  return result.stdout;
}

/** Rebuilds each package's `dist` from nothing, so no file of an older build is packed. */
export function cleanBuild() {
  for (const p of PACKAGES) {
    rmSync(join(root, p.dir, 'dist'), { recursive: true, force: true });
    rmSync(join(root, p.tsbuildinfo), { force: true });
  }
  run('npx', ['tsc', '-b', ...PACKAGES.map((p) => p.dir)]);
}

/**
 * Packs the packages into `destination` (after a clean build unless `build` is false).
 * Returns the tarball path of each package by name.
 */
export function packAll(destination, { build = true } = {}) {
  if (build) cleanBuild();
  mkdirSync(destination, { recursive: true });
  const args = ['pack', '--json', '--pack-destination', destination];
  for (const p of PACKAGES) args.push('-w', p.dir);
  const packed = JSON.parse(run('npm', args));
  const tarballs = {};
  for (const entry of packed) tarballs[entry.name] = join(destination, entry.filename);
  for (const p of PACKAGES) if (!tarballs[p.name]) throw new Error(`npm pack made no tarball for ${p.name}`);
  return tarballs;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const destination = process.argv[2] ?? join(root, '.packs');
  const tarballs = packAll(destination);
  for (const [name, path] of Object.entries(tarballs)) console.info(`${name}\t${path}`);
}
