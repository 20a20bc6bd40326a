// `npm start`: the dev collector and the playground's Vite dev server, with embedded defaults.
// PLAYGROUND_PORT and COLLECTOR_PORT choose the ports; a busy port ends with a clear message
// and exit code 1; Ctrl-C, SIGTERM, or the end of the process that started it stops both.
import { createServer, type ViteDevServer } from 'vite';
import { type DevCollector, startDevCollector } from './dev-collector.js';
import { DEFAULT_PORTS, isPortBusy, portFromEnv } from './ports.js';

const host = '127.0.0.1';
const playgroundPort = portFromEnv('PLAYGROUND_PORT', DEFAULT_PORTS.playground);
const collectorPort = portFromEnv('COLLECTOR_PORT', DEFAULT_PORTS.collector);
const playgroundUrl = `http://${host}:${playgroundPort}/`;

function fail(what: string, port: number, variable: string, error: unknown): never {
  console.error(
    isPortBusy(error)
      ? `Port ${port} is busy, so the ${what} cannot start. Stop what uses it or pick another port: ${variable}=<port> npm start`
      : `The ${what} could not start: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(1);
}

let collector: DevCollector;
try {
  collector = await startDevCollector({
    port: collectorPort,
    host,
    corsOrigins: [`http://${host}:${playgroundPort}`, `http://localhost:${playgroundPort}`],
  });
} catch (error) {
  fail('dev collector', collectorPort, 'COLLECTOR_PORT', error);
}

// The app reads the collector's URL from import.meta.env (Vite exposes VITE_* variables).
process.env.VITE_ISOTEL_COLLECTOR_URL = collector.url;
// `npm start` opens the devtools panel; a stored choice in the browser still wins.
process.env.VITE_ISOTEL_DEVTOOLS_OPEN ??= 'true';
let vite: ViteDevServer;
try {
  vite = await createServer({
    configFile: new URL('../vite.config.ts', import.meta.url).pathname,
    root: new URL('..', import.meta.url).pathname,
    server: { port: playgroundPort, strictPort: true, host },
  });
  await vite.listen();
} catch (error) {
  await collector.close();
  fail('playground', playgroundPort, 'PLAYGROUND_PORT', error);
}

console.info(`isotel playground  ${playgroundUrl}`);
console.info(`dev collector      ${collector.url}  (metrics: ${collector.url}/metrics, events: POST /v1/events)`);
console.info('Press Ctrl-C to stop both.');

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await Promise.allSettled([vite.close(), collector.close()]);
  process.exit(0);
}
// Vite's dev server exits on SIGTERM by itself (with code 143), before the collector has drained:
// one handler here stops both, in order, and exits 0.
process.removeAllListeners('SIGTERM');
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
// npm runs this script in a shell and hands its SIGTERM to that shell, which dies without passing
// it on: when the process that started this one goes away, stop as if signalled, so no port stays
// held by an orphan.
const parentPid = process.ppid;
setInterval(() => {
  if (process.ppid !== parentPid) void stop();
}, 500).unref();
