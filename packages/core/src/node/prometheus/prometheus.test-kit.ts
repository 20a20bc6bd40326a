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
  /** The samples of a PromQL query now; none while Prometheus is not up yet. */
  query(promql: string): Promise<PromSample[]>;
  /** Polls until the query's first sample is a value `accept` takes (25 s at most); that value. */
  valueOf(promql: string, accept?: (value: number) => boolean): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Starts Prometheus with `config` (YAML lines after a 1 s scrape and evaluation interval), checked by
 * `promtool check config` first.
 */
export async function startPrometheus(config: (dir: string) => readonly string[]): Promise<RealPrometheus> {
  const dir = mkdtempSync(join(tmpdir(), 'isotel-prom-'));
  const file = join(dir, 'prometheus.yml');
  writeFileSync(file, ['global:', '  scrape_interval: 1s', '  evaluation_interval: 1s', ...config(dir), ''].join('\n'));
  const checked = promtool(['check', 'config', file]);
  if (checked.status !== 0) throw new Error(`promtool rejects the test's config: ${checked.stdout}${checked.stderr}`);
  const apiPort = await freePort();
  const child: ChildProcess = spawn(
    PROMETHEUS,
    [`--config.file=${file}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${apiPort}`],
    { stdio: 'ignore' },
  );

  async function query(promql: string): Promise<PromSample[]> {
    try {
      const url = `http://127.0.0.1:${apiPort}/api/v1/query?query=${encodeURIComponent(promql)}`;
      const body = (await (await fetch(url)).json()) as { data?: { result?: PromSample[] } };
      return body.data?.result ?? [];
    } catch {
      return []; // not up yet
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
      if (child.pid !== undefined && child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        process.kill(child.pid, 'SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
