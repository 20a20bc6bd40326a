// The e2e lab page (e2e/lab) served by Vite on a free loopback port, for the browser suites.
import { createServer, type ViteDevServer } from 'vite';

/** Starts the lab's dev server; its port and the server to close. */
export async function startLabServer(): Promise<{ readonly server: ViteDevServer; readonly port: number }> {
  const server = await createServer({
    configFile: new URL('../e2e/lab/vite.config.ts', import.meta.url).pathname,
    server: { port: 0, host: '127.0.0.1', strictPort: false },
    logLevel: 'silent',
  });
  await server.listen();
  const address = server.httpServer?.address();
  return { server, port: typeof address === 'object' && address !== null ? address.port : 0 };
}
