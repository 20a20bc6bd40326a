/**
 * A TCP port nothing listens on right now on `host` (default `127.0.0.1`), chosen by the OS.
 *
 * @example const port = await freePort()
 */
export function freePort(host?: string): Promise<number>;
