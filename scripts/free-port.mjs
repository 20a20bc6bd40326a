// A TCP port nothing listens on right now, from the OS: for test servers, so concurrent runs
// (two clones, a test run beside `npm start`) never fight over a fixed port. And whether a port
// accepts connections yet, for waiting on a server started on one.
import { connect, createServer } from 'node:net';

/** @param {string} [host] */
export async function freePort(host = '127.0.0.1') {
  const server = createServer();
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve(undefined));
  });
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * @param {number} port
 * @param {string} [host]
 * @returns {Promise<boolean>}
 */
export function reachable(port, host = '127.0.0.1') {
  return new Promise((resolve) => {
    const socket = connect(port, host);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
