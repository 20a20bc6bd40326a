import type { IncomingMessage, Server } from 'node:http';
import type { Socket } from 'node:net';
import { AddressShares } from './address-shares.js';
import { addressKey } from './http.js';

/**
 * Bounds the connections of a Node server. Node expires a request's headers only once its first
 * byte came: a connection that never sends one would stay open for good, and enough of them would
 * take every file descriptor. So each connection must send a whole request head within
 * `headersTimeoutMs` of opening, and one peer address (an IPv6 address by its /64) holds at most
 * `maxPerAddress` connections (none when undefined); more are closed as they arrive.
 */
export function guardConnections(server: Server, headersTimeoutMs: number, maxPerAddress: number | undefined): void {
  const shares = maxPerAddress === undefined ? undefined : new AddressShares(maxPerAddress);
  const awaitingFirst = new WeakMap<Socket, ReturnType<typeof setTimeout>>();
  server.on('connection', (socket: Socket) => {
    const key = socket.remoteAddress === undefined ? undefined : addressKey(socket.remoteAddress);
    if (shares !== undefined && key !== undefined) {
      if (!shares.take(key, 1)) {
        socket.destroy();
        return;
      }
      socket.once('close', () => shares.give(key, 1));
    }
    const timer = setTimeout(() => socket.destroy(), headersTimeoutMs);
    timer.unref?.();
    awaitingFirst.set(socket, timer);
    socket.once('close', () => clearTimeout(timer));
  });
  server.on('request', (req: IncomingMessage) => {
    const timer = awaitingFirst.get(req.socket);
    if (timer === undefined) return;
    clearTimeout(timer);
    awaitingFirst.delete(req.socket);
  });
}
