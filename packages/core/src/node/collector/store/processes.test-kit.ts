// Real processes for the scale-out tests: collector processes (collector-main.test-kit.ts, run
// through tsx) and nginx round-robin in front, on free loopback ports, each stopped by its PID.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, reachable } from '../../../../../../scripts/free-port.mjs';

export const NGINX = process.env.NGINX_PATH ?? '/usr/sbin/nginx';
export const hasNginx = existsSync(NGINX);
const MAIN = join(dirname(fileURLToPath(import.meta.url)), 'collector-main.test-kit.ts');

/** A collector process; resolves once it listens. */
export class CollectorProcess {
  readonly port: number;
  readonly child: ChildProcess;
  readonly env: Record<string, string>;

  private constructor(port: number, child: ChildProcess, env: Record<string, string>) {
    this.port = port;
    this.child = child;
    this.env = env;
  }

  /** A new process with this one's environment on this one's port (stop this one first). */
  restart(): Promise<CollectorProcess> {
    return CollectorProcess.start({ ...this.env, ISOTEL_PORT: String(this.port) });
  }

  static start(env: Record<string, string>): Promise<CollectorProcess> {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new Promise((resolve, reject) => {
      let output = '';
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`collector process did not start: ${output}`));
      }, 40_000);
      const read = (chunk: Buffer): void => {
        output += chunk.toString();
        const line = /\{"port":(\d+)\}/.exec(output);
        if (line !== null) {
          clearTimeout(timer);
          child.stdout?.off('data', read);
          resolve(new CollectorProcess(Number(line[1]), child, env));
        }
      };
      child.stdout?.on('data', read);
      child.stderr?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`collector process exited with ${code}: ${output}`));
      });
    });
  }

  /** Stops the process by its PID with `signal` and waits for it to exit. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill(signal);
    await exited;
  }
}

/** nginx round-robin over `upstreams`, with the retry rules of docs/ops/nginx-collectors.conf. */
export class Nginx {
  readonly port: number;
  readonly url: string;
  readonly #dir: string;
  readonly #child: ChildProcess;

  private constructor(port: number, dir: string, child: ChildProcess) {
    this.port = port;
    this.url = `http://127.0.0.1:${port}`;
    this.#dir = dir;
    this.#child = child;
  }

  /**
   * Starts nginx round-robin over `upstreams` on a free port; resolves once it accepts
   * connections. An nginx that exits first (another process took the free port) is started again
   * on another port.
   */
  static async start(upstreams: readonly number[]): Promise<Nginx> {
    for (let attempt = 0; ; attempt++) {
      const nginx = await Nginx.#startOn(upstreams, await freePort());
      if (nginx !== undefined) return nginx;
      if (attempt === 2) throw new Error('nginx did not start: it exited three times');
    }
  }

  static async #startOn(upstreams: readonly number[], port: number): Promise<Nginx | undefined> {
    const dir = mkdtempSync(join(tmpdir(), 'isotel-nginx-'));
    const servers = upstreams.map((p) => `    server 127.0.0.1:${p} max_fails=1 fail_timeout=2s;`).join('\n');
    writeFileSync(
      join(dir, 'nginx.conf'),
      `worker_processes 1;
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'error.log')} warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  upstream isotel_collectors {
${servers}
    keepalive 16;
  }
  server {
    listen 127.0.0.1:${port};
    client_max_body_size 2m;
    # bodies stay in memory: nginx's worker (nobody) cannot write temp files into this root-owned dir
    client_body_buffer_size 2m;
    location / {
      proxy_pass http://isotel_collectors;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_next_upstream error timeout http_502 non_idempotent;
      proxy_next_upstream_tries 3;
      proxy_connect_timeout 2s;
      proxy_read_timeout 30s;
    }
  }
}
`,
    );
    const child = spawn(NGINX, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-g', 'daemon off;'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const nginx = new Nginx(port, dir, child);
    for (let waited = 0; !(await reachable(port)); waited += 20) {
      if (child.exitCode !== null) {
        await nginx.stop();
        return undefined;
      }
      if (waited > 10_000) {
        await nginx.stop();
        throw new Error('nginx did not start within 10 s');
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    return nginx;
  }

  /** Stops nginx by its PID (SIGTERM: fast shutdown, not waiting for idle keep-alive clients) and removes its directory. */
  async stop(): Promise<void> {
    const child = this.#child;
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(this.#dir, { recursive: true, force: true });
  }
}
