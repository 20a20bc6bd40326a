import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { freePort } from '../scripts/free-port.mjs';
import { packAll } from '../scripts/pack.mjs';

// A new user's app, outside the workspace, made by following docs/add-to-your-app.md literally:
// the walkthrough's commands run in order and its files are written as shown. The only changes
// are the ones a test needs: `@isotel/*` in `npm install` become the `npm pack` tarballs of this
// checkout, servers get free ports (PORT, APP_ORIGINS, `--port`), the build gets the collector's
// URL (VITE_COLLECTOR_URL), and the app's tsconfig gets the strictest flags before it is built.
// It needs the npm registry (Vite's starter, React, TypeScript); npm's cache makes reruns fast.

const guidePath = fileURLToPath(new URL('../docs/add-to-your-app.md', import.meta.url));

type Step = { part: number } & (
  | { kind: 'step'; commands: string[] }
  | { kind: 'serve'; command: string }
  | { kind: 'file'; path: string; text: string }
);

/**
 * The walkthrough's blocks in order, each with the number of its `### N.` part: ```sh step
 * (commands run to completion), ```sh serve (servers), ```<lang> file=<path> (files to write).
 */
function walkthrough(markdown: string): Step[] {
  const start = markdown.indexOf('\n## Walkthrough');
  const end = markdown.indexOf('\n## ', start + 1);
  const section = markdown.slice(start, end === -1 ? undefined : end);
  const steps: Step[] = [];
  for (const match of section.matchAll(/^### (\d+)\.|```(\w+)(?: ([^\n]*))?\n([\s\S]*?)```/gm)) {
    const [, heading, lang, info = '', body = ''] = match;
    const part = heading === undefined ? (steps.at(-1)?.part ?? 0) : Number(heading);
    if (heading !== undefined) {
      steps.push({ part, kind: 'step', commands: [] });
      continue;
    }
    const file = /file=(\S+)/.exec(info)?.[1];
    if (file !== undefined) steps.push({ part, kind: 'file', path: file, text: body });
    else if (lang === 'sh' && info === 'step') {
      steps.push({ part, kind: 'step', commands: body.split('\n').filter((line) => line.trim() !== '') });
    } else if (lang === 'sh' && info === 'serve') steps.push({ part, kind: 'serve', command: body.trim() });
  }
  return steps;
}

const children: ChildProcess[] = [];
let workDir: string | undefined;

test.afterAll(async () => {
  for (const child of children) await stop(child);
  if (workDir !== undefined) rmSync(workDir, { recursive: true, force: true });
});

test('a new user adds isotel to a fresh Vite + React app from the packed packages, following the guide', async ({
  page,
}) => {
  test.setTimeout(300_000);
  const steps = walkthrough(readFileSync(guidePath, 'utf8'));
  expect(steps.filter((s) => s.kind === 'file').map((s) => s.path)).toEqual([
    'src/telemetry.ts',
    'src/main.tsx',
    'src/App.tsx',
    'collector.js',
    'collector.js',
  ]);

  workDir = mkdtempSync(join(tmpdir(), 'isotel-fresh-app-'));
  const tarballs = packAll(join(workDir, 'packs'));
  const collectorPort = await freePort();
  const appPort = await freePort();
  const appOrigin = `http://127.0.0.1:${appPort}`;
  // the test runs under npm in the workspace: none of that npm's settings may leak into the app
  const outside = Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith('npm_'));
  const env: NodeJS.ProcessEnv = {
    ...Object.fromEntries(outside),
    npm_config_yes: 'true', // `npm create` installs its starter without asking
    npm_config_prefer_offline: 'true', // npm's cache first: reruns do not wait on the registry
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
    PORT: String(collectorPort),
    APP_ORIGINS: appOrigin,
    VITE_COLLECTOR_URL: `http://127.0.0.1:${collectorPort}`,
  };

  let cwd = workDir;
  let collector: ChildProcess | undefined;
  let collectorOut = '';
  async function run(part: (n: number) => boolean): Promise<void> {
    for (const step of steps.filter((s) => part(s.part))) {
      if (step.kind === 'file') {
        mkdirSync(dirname(join(cwd, step.path)), { recursive: true });
        writeFileSync(join(cwd, step.path), step.text);
      } else if (step.kind === 'step') {
        for (const command of step.commands) {
          const cd = /^cd (\S+)$/.exec(command);
          if (cd?.[1] !== undefined) {
            cwd = join(cwd, cd[1]);
            continue;
          }
          if (command === 'npm run build') makeStrict(cwd);
          const line = command.startsWith('npm install')
            ? command.replace(/@isotel\/(core|react|devtools)\b/g, (name) => tarballs[name] ?? name)
            : command;
          const result = spawnSync('sh', ['-c', line], { cwd, env, encoding: 'utf8', timeout: 180_000 });
          expect(
            result.status,
            `\`${line}\` failed (it needs the npm registry):\n${result.stdout}\n${result.stderr}`,
          ).toBe(0);
        }
      } else if (step.command === 'node collector.js') {
        if (collector !== undefined) await stop(collector); // "stop the collector and start it again"
        collectorOut = '';
        collector = serve(step.command, cwd, env);
        collector.stdout?.on('data', (chunk) => {
          collectorOut += chunk;
        });
        await expect.poll(() => collectorOut, { timeout: 15_000 }).toContain('collector listening on');
      } else if (step.command === 'npm run preview') {
        serve(`${step.command} -- --host 127.0.0.1 --port ${appPort} --strictPort`, cwd, env);
        await expect
          .poll(
            () =>
              fetch(appOrigin).then(
                (r) => r.status,
                () => 0,
              ),
            { timeout: 30_000 },
          )
          .toBe(200);
      } else {
        throw new Error(`the guide has a server command this test does not know: ${step.command}`);
      }
    }
  }

  // parts 1-5: the app, its exporter, and a collector with nothing but isotel installed
  await run((n) => n <= 5);
  // a collector and a browser exporter need nothing the user did not ask for
  const tree = spawnSync('npm', ['ls', '--all', '--parseable'], { cwd, env, encoding: 'utf8' }).stdout.split('\n');
  const installed = (name: string) => tree.some((path) => path.endsWith(`/node_modules/${name}`));
  for (const peer of ['prom-client', 'hot-shots', 'unix-dgram', '@opentelemetry/api', '@playwright/test']) {
    expect(installed(peer), `${peer} was installed`).toBe(false);
  }
  expect(installed('idb')).toBe(true);
  checkCollector(cwd, env);

  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(appOrigin);
  await page.getByRole('button', { name: 'Clicked 0 times' }).click();
  await page.getByRole('button', { name: 'Clicked 1 times' }).click();
  // the exporter sends within its 5 s interval; the collector prints what it accepted
  await expect
    .poll(() => collectorOut, { timeout: 20_000 })
    .toMatch(/event app\.counter\.click \{"count":2\} \{"label":"main",/);
  expect(collectorOut).toMatch(/event app\.counter\.click \{"count":1\} \{"label":"main",/);

  // part 6: prom-client installed, the collector restarted with the Prometheus reporter
  await run((n) => n === 6);
  checkCollector(cwd, env);
  await page.getByRole('button', { name: 'Clicked 2 times' }).click();
  await expect
    .poll(() => collectorOut, { timeout: 20_000 })
    .toMatch(/event app\.counter\.click \{"count":3\} \{"label":"main",/);
  const metrics = await (await fetch(`http://127.0.0.1:${collectorPort}/metrics`)).text();
  expect(metrics).toMatch(/^app_counter_click_count_total\{label="main"\} 1$/m);
  expect(errors).toEqual([]);
});

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  // each server runs in its own process group (npm and the vite it starts): stop the group
  process.kill(-child.pid, 'SIGTERM');
  await exited;
}

/** The strict check also covers the collector, which Node runs as plain JavaScript. */
function checkCollector(cwd: string, env: NodeJS.ProcessEnv): void {
  const check = spawnSync(
    'npx',
    ['tsc', '--ignoreConfig', '--noEmit', '--allowJs', '--checkJs', '--strict', '--module', 'nodenext'].concat([
      '--target',
      'es2023',
      '--types',
      'node',
      'collector.js',
    ]),
    { cwd, env, encoding: 'utf8' },
  );
  expect(check.status, `${check.stdout}${check.stderr}`).toBe(0);
}

/** The walkthrough's app, type-checked with the flags isotel itself is built with. */
function makeStrict(appDir: string): void {
  const path = join(appDir, 'tsconfig.app.json');
  const text = readFileSync(path, 'utf8');
  expect(text).toContain('"compilerOptions": {');
  const strict = text
    .replace('"skipLibCheck": true', '"skipLibCheck": false')
    .replace(
      '"compilerOptions": {',
      '"compilerOptions": {\n    "strict": true,\n    "noUncheckedIndexedAccess": true,\n    "exactOptionalPropertyTypes": true,',
    );
  writeFileSync(path, strict);
}

function serve(command: string, cwd: string, env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn('sh', ['-c', command], { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  return child;
}
