#!/usr/bin/env node
// `npm test`: every check the project has, in one command that also does its own set-up.
// Typecheck, lint, the packed packages (publint, attw, size budgets), vitest (node, happy-dom, real
// Chromium), Playwright e2e (including a fresh app built from the tarballs); then one closing line
// `total: N passed, N failed, N skipped` summed from the runners' JSON reports.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { failedTests } from './failed-tests.mjs';
import { freePort } from './free-port.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const reports = join(root, '.reports');
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

function run(label, command, args, options = {}) {
  console.info(`\n▶ ${label}: ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options });
  if (result.error) console.error(`${label}: ${result.error.message}`);
  return result.status === 0;
}

function have(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

// Debian packages the tests use: Chromium (browser and e2e tests), Prometheus (real scrape),
// redis-server and nginx (collectors sharing state behind a load balancer).
function ensureDebianPackages() {
  const missing = [];
  if (!existsSync(chromium)) missing.push('chromium');
  if (!have('prometheus')) missing.push('prometheus');
  if (!existsSync('/usr/bin/redis-server')) missing.push('redis-server');
  if (!existsSync('/usr/sbin/nginx')) missing.push('nginx');
  if (missing.length === 0) return true;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !have('apt-get')) {
    console.error(
      `Missing: ${missing.join(', ')}. Install them (Debian: apt-get install -y --no-install-recommends ${missing.join(' ')}) or set CHROMIUM_PATH.`,
    );
    return false;
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  return (
    run('apt-get update', 'apt-get', ['update', '-qq'], { env }) &&
    run('install Debian packages', 'apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { env })
  );
}

function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

if (!existsSync(join(root, 'node_modules')) && !run('install dependencies', 'npm', ['ci'])) {
  console.info('\ntotal: 0 passed, 1 failed, 0 skipped');
  process.exit(1);
}
// Checks that are not counted test by test (set-up, typecheck, lint, a missing report): each
// failed one counts as one failed test in the closing line, so the line agrees with the exit code.
const failedChecks = [];
function check(label, passed) {
  if (!passed) failedChecks.push(label);
}

check('Debian packages', ensureDebianPackages());
rmSync(reports, { recursive: true, force: true });
mkdirSync(reports, { recursive: true });

check('typecheck', run('typecheck', 'npx', ['tsc', '-b']));
check('lint', run('lint', 'npx', ['biome', 'check', '.']));
// each package check (publint, attw, contents, one size budget per public entry) counts as a test
const packagesRan = run('packages: publint, attw, size budgets', process.execPath, [
  join(root, 'scripts/check-packages.mjs'),
  '--report',
  join(reports, 'packages.json'),
]);
const vitestRan = run('unit, dom and browser tests', 'npx', [
  'vitest',
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${join(reports, 'vitest.json')}`,
]);
// the e2e servers listen on ports the OS has free now, unless the caller fixed them
const e2eEnv = { ...process.env };
const taken = new Set();
for (const key of ['E2E_PORT', 'E2E_LAB_PORT', 'E2E_COLLECTOR_PORT']) {
  let port = await freePort();
  while (taken.has(port)) port = await freePort();
  taken.add(port);
  e2eEnv[key] ??= String(port);
}
const e2eRan = run('e2e tests', 'npx', ['playwright', 'test', '-c', 'e2e/playwright.config.ts'], { env: e2eEnv });

let passed = 0;
let failed = 0;
let skipped = 0;
const packages = readJson(join(reports, 'packages.json'));
if (packages) {
  passed += packages.passed ?? 0;
  failed += packages.failed ?? 0;
  check('package checks run', packagesRan || (packages.failed ?? 0) > 0);
} else {
  check('package checks report', false);
}
const vitest = readJson(join(reports, 'vitest.json'));
if (vitest) {
  passed += vitest.numPassedTests ?? 0;
  failed += vitest.numFailedTests ?? 0;
  skipped += (vitest.numPendingTests ?? 0) + (vitest.numTodoTests ?? 0);
  // a runner that failed with no failing test: a test file that did not load, for instance
  check('vitest run', vitestRan || (vitest.numFailedTests ?? 0) > 0);
} else {
  check('vitest report', false);
}
const e2e = readJson(join(reports, 'e2e.json'));
if (e2e?.stats) {
  passed += (e2e.stats.expected ?? 0) + (e2e.stats.flaky ?? 0);
  failed += e2e.stats.unexpected ?? 0;
  skipped += e2e.stats.skipped ?? 0;
  check('Playwright run', e2eRan || (e2e.stats.unexpected ?? 0) > 0);
} else {
  check('Playwright report', false);
}
check('at least one test ran', passed + failed > 0);

// Which tests failed, named right above the closing line: a CI log shown only by its tail still says.
const failures = failedTests({ packages, vitest, e2e }, root);
if (failures.length > 0) console.info(`\nFailed tests:\n${failures.map((f) => `  ${f}`).join('\n')}`);
if (failedChecks.length > 0)
  console.info(`\nFailed checks (each counted as one failed test): ${failedChecks.join(', ')}`);
console.info(`\ntotal: ${passed} passed, ${failed + failedChecks.length} failed, ${skipped} skipped`);
process.exit(failed === 0 && failedChecks.length === 0 ? 0 : 1);
