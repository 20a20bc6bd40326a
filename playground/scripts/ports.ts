// Ports and URLs of `npm start`, from the environment with embedded defaults.

/** Where `npm start` listens unless `PLAYGROUND_PORT` / `COLLECTOR_PORT` say otherwise. */
export const DEFAULT_PORTS = { playground: 5173, collector: 4318 } as const;

/** Reads a port from the environment; exits with a clear message when it is not a valid port. */
export function portFromEnv(variable: string, fallback: number): number {
  const raw = process.env[variable];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`${variable}=${raw} is not a port number (0-65535).`);
    process.exit(1);
  }
  return port;
}

/** True when an error says the address is taken (Node's EADDRINUSE or Vite's strictPort message). */
export function isPortBusy(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'EADDRINUSE' || /already in use/i.test(String(error));
}
