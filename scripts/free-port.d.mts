/**
 * A TCP port nothing listens on right now on `host` (default `127.0.0.1`), chosen by the OS.
 *
 * @example const port = await freePort()
 */
export function freePort(host?: string): Promise<number>;

/**
 * Whether something accepts TCP connections on `port` of `host` (default `127.0.0.1`) right now.
 *
 * @example while (!(await reachable(port))) await new Promise((r) => setTimeout(r, 20))
 */
export function reachable(port: number, host?: string): Promise<boolean>;
