import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/free-port.mjs';

const playgroundDir = fileURLToPath(new URL('..', import.meta.url));
const children = new Set<ChildProcess>();
const servers = new Set<Server>();
// process groups started detached, killed whole after each test
const groups = new Set<number>();

afterEach(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  children.clear();
  for (const pgid of groups) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // the group has already exited
    }
  }
  groups.clear();
  await Promise.all([...servers].map((s) => new Promise((resolve) => s.close(resolve))));
  servers.clear();
});

async function occupiedPort(): Promise<number> {
  const server = createServer();
  servers.add(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

// the same command as the playground's `npm start` script
const START = ['--import', 'tsx', '--conditions=@isotel/source', 'scripts/start.ts'];

/**
 * Runs start.ts, or with `viaShell` a shell that runs it as npm's does: `; exit` keeps the shell
 * from replacing itself with node, and its own process group lets afterEach kill what is left.
 */
function start(env: Record<string, string>, { viaShell = false } = {}) {
  const options: SpawnOptions = {
    cwd: playgroundDir,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  };
  const child = viaShell
    ? spawn('sh', ['-c', `"${process.execPath}" ${START.join(' ')}; exit $?`], { ...options, detached: true })
    : spawn(process.execPath, START, options);
  if (viaShell) groups.add(child.pid as number);
  else children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, output: () => ({ stdout, stderr }) };
}

/** `npm start` on two free ports, once it says both servers are up. */
async function startedOnFreePorts(options?: { viaShell: boolean }) {
  const playground = await freePort();
  const collector = await freePort();
  const run = start({ PLAYGROUND_PORT: String(playground), COLLECTOR_PORT: String(collector) }, options);
  await expect
    .poll(() => run.output().stdout, { timeout: 45_000, interval: 100 })
    .toContain('Press Ctrl-C to stop both.');
  return { run, playground, collector };
}

describe('npm start', () => {
  it('serves the playground and the dev collector, prints both URLs, and stops on SIGTERM', async () => {
    const { run, playground, collector } = await startedOnFreePorts();
    const { stdout } = run.output();
    expect(stdout).toContain(`http://127.0.0.1:${playground}/`);
    expect(stdout).toContain(`http://127.0.0.1:${collector}`);

    const page = await fetch(`http://127.0.0.1:${playground}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root">');
    // the app is told where the collector is
    const env = await (await fetch(`http://127.0.0.1:${playground}/src/telemetry/setup.ts`)).text();
    expect(env).toContain(`http://127.0.0.1:${collector}`);
    const metrics = await fetch(`http://127.0.0.1:${collector}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('# TYPE shop_cart_add_count_total counter');
    // CORS admits the playground's origin
    const preflight = await fetch(`http://127.0.0.1:${collector}/v1/events`, {
      method: 'OPTIONS',
      headers: {
        origin: `http://127.0.0.1:${playground}`,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBe(`http://127.0.0.1:${playground}`);

    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    await expect(fetch(`http://127.0.0.1:${collector}/metrics`)).rejects.toThrow();
    await expect(fetch(`http://127.0.0.1:${playground}/`)).rejects.toThrow();
  }, 90_000);

  it('stops both on Ctrl-C (SIGINT) and exits 0', async () => {
    const { run, playground, collector } = await startedOnFreePorts();
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);
    await expect(fetch(`http://127.0.0.1:${collector}/metrics`)).rejects.toThrow();
    await expect(fetch(`http://127.0.0.1:${playground}/`)).rejects.toThrow();
  }, 90_000);

  it('stops both when the shell npm ran it in is killed (npm passes SIGTERM to that shell only)', async () => {
    const { run, playground, collector } = await startedOnFreePorts({ viaShell: true });
    run.child.kill('SIGTERM');
    await expect
      .poll(
        () =>
          fetch(`http://127.0.0.1:${collector}/metrics`).then(
            () => 'up',
            () => 'down',
          ),
        { timeout: 10_000, interval: 200 },
      )
      .toBe('down');
    await expect(fetch(`http://127.0.0.1:${playground}/`)).rejects.toThrow();
  }, 90_000);

  it('says which port is busy and exits with 1 when the collector port is taken', async () => {
    const busy = await occupiedPort();
    const run = start({ PLAYGROUND_PORT: String(await freePort()), COLLECTOR_PORT: String(busy) });
    expect(await run.exited).toBe(1);
    expect(run.output().stderr).toContain(`Port ${busy} is busy, so the dev collector cannot start.`);
    expect(run.output().stderr).toContain('COLLECTOR_PORT=<port> npm start');
  }, 60_000);

  it('says which port is busy, exits with 1 and leaves no collector behind when the playground port is taken', async () => {
    const busy = await occupiedPort();
    const collector = await freePort();
    const run = start({ PLAYGROUND_PORT: String(busy), COLLECTOR_PORT: String(collector) });
    expect(await run.exited).toBe(1);
    expect(run.output().stderr).toContain(`Port ${busy} is busy, so the playground cannot start.`);
    await expect(fetch(`http://127.0.0.1:${collector}/metrics`)).rejects.toThrow();
  }, 60_000);

  it('refuses a port that is not a number', async () => {
    const run = start({ PLAYGROUND_PORT: 'eighty', COLLECTOR_PORT: String(await freePort()) });
    expect(await run.exited).toBe(1);
    expect(run.output().stderr).toContain('PLAYGROUND_PORT=eighty is not a port number');
  }, 60_000);
});
