// `npm start`: the playground's Vite dev server (and, as they land, its dev collector).
import { createServer } from 'vite';

const port = Number(process.env.PLAYGROUND_PORT ?? 5173);
const server = await createServer({
  configFile: new URL('../vite.config.ts', import.meta.url).pathname,
  root: new URL('..', import.meta.url).pathname,
  server: { port, strictPort: true, host: '127.0.0.1' },
}).catch((error: unknown) => {
  console.error(`Could not start the playground: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
try {
  await server.listen();
} catch (error) {
  const code = (error as NodeJS.ErrnoException).code;
  console.error(
    code === 'EADDRINUSE' || /in use/i.test(String(error))
      ? `Port ${port} is busy: set PLAYGROUND_PORT to a free port.`
      : `Could not start the playground: ${String(error)}`,
  );
  process.exit(1);
}
console.info(`playground  http://127.0.0.1:${port}/`);
const stop = async () => {
  await server.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
