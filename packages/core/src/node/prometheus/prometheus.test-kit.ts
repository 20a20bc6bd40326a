// A real Prometheus for tests: Debian's binary on a free loopback port, with a temporary config and
// data folder, stopped by its PID. `npm test` installs it when it runs as root; without root a
// missing binary is a skip, named by `prometheusSkipReason`.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../../../../scripts/free-port.mjs';

export const PROMETHEUS = process.env.PROMETHEUS_PATH ?? '/usr/bin/prometheus';
export const PROMTOOL = process.env.PROMTOOL_PATH ?? PROMETHEUS.replace(/prometheus$/, 'promtool');

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
/** Why the real-Prometheus tests are skipped here, or '' when they run. */
export const prometheusSkipReason =
  !existsSync(PROMETHEUS) && !isRoot ? `${PROMETHEUS} is missing (apt-get install prometheus needs root)` : '';

/** Runs promtool with `args` in `cwd`; its exit status and output. */
export function promtool(args: readonly string[], cwd?: string) {
  return spawnSync(PROMTOOL, args, { cwd, encoding: 'utf8' });
}

/** `promtool check metrics` on an exposition: its findings, '' when it passes lint. */
export function lintExposition(exposition: string): string {
  const result = spawnSync(PROMTOOL, ['check', 'metrics'], { input: exposition, encoding: 'utf8', timeout: 10_000 });
  if (result.error !== undefined) throw result.error;
  const findings = `${result.stdout}${result.stderr}`.trim();
  if (result.status !== 0 && findings === '') return `promtool exited ${result.status}`;
  return findings;
}

/** A Prometheus exposition's samples as `name{labels}` → value. */
export function samples(exposition: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of exposition.split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const space = line.lastIndexOf(' ');
    out.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return out;
}

export interface PromSample {
  metric: Record<string, string>;
  value: [number, string];
}

export interface RealPrometheus {
  /** A folder of this Prometheus's own, removed by `stop()`: for target files and the like. */
  readonly dir: string;
  /** The samples of a PromQL query now; none when the query fails. */
  query(promql: string): Promise<PromSample[]>;
  /** Polls until the query's first sample is a value `accept` takes (25 s at most); that value. */
  valueOf(promql: string, accept?: (value: number) => boolean): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Starts Prometheus with `config` (YAML lines after a 1 s scrape and evaluation interval), checked by
 * `promtool check config` first, and resolves once it answers `/-/ready`. A process that exits
 * before it is ready (another process took the free port first) is started again on another port.
 */
export async function startPrometheus(config: (dir: string) => readonly string[]): Promise<RealPrometheus> {
  const dir = mkdtempSync(join(tmpdir(), 'isotel-prom-'));
  const file = join(dir, 'prometheus.yml');
  writeFileSync(file, ['global:', '  scrape_interval: 1s', '  evaluation_interval: 1s', ...config(dir), ''].join('\n'));
  const checked = promtool(['check', 'config', file]);
  if (checked.status !== 0) throw new Error(`promtool rejects the test's config: ${checked.stdout}${checked.stderr}`);
  let apiPort = 0;
  let child: ChildProcess | undefined;
  let output = '';
  for (let attempt = 0; child === undefined; attempt++) {
    apiPort = await freePort();
    output = '';
    const started = spawn(
      PROMETHEUS,
      [
        `--config.file=${file}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${apiPort}`,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    started.stderr?.on('data', (chunk: Buffer) => {
      output = `${output}${chunk.toString()}`.slice(-4000);
    });
    if (await ready(started, apiPort)) child = started;
    else if (attempt === 2 || started.exitCode === null) {
      await stopChild(started);
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`Prometheus did not become ready on port ${apiPort}: ${output}`);
    }
  }
  const running = child;

  async function query(promql: string): Promise<PromSample[]> {
    try {
      const url = `http://127.0.0.1:${apiPort}/api/v1/query?query=${encodeURIComponent(promql)}`;
      const body = (await (await fetch(url)).json()) as { data?: { result?: PromSample[] } };
      return body.data?.result ?? [];
    } catch {
      return []; // an answer that is not JSON, or a connection refused
    }
  }

  return {
    dir,
    query,
    async valueOf(promql, accept = () => true) {
      const deadline = Date.now() + 25_000;
      let last: unknown = 'no sample';
      while (Date.now() < deadline) {
        const sample = (await query(promql))[0];
        if (sample !== undefined) {
          const value = Number(sample.value[1]);
          if (accept(value)) return value;
          last = value;
        }
        await new Promise((r) => setTimeout(r, 500));
      }
      throw new Error(`${promql} never gave an accepted value; last: ${JSON.stringify(last)}`);
    },
    async stop() {
      await stopChild(running);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Polls `/-/ready` for up to 30 s (a loaded machine starts it slowly); false once the process exits. */
async function ready(child: ChildProcess, port: number): Promise<boolean> {
  const deadline = Date.now() + 30_000;
  while (child.exitCode === null && child.signalCode === null && Date.now() < deadline) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/-/ready`)).ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

/** Stops a process by its PID (SIGTERM) and waits for it to exit. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(child.pid, 'SIGTERM');
  await exited;
}
