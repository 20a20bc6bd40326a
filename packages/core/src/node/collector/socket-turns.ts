import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** Requests one connection may have waiting behind the one being answered; past it, it is closed. */
export const MAX_PIPELINED = 16;

interface Turns {
  busy: boolean;
  readonly waiting: (() => void)[];
}

const bySocket = new WeakMap<Socket, Turns>();

/**
 * Runs `answer` for a request once every earlier request on the same connection was answered and
 * its answer handed to the socket, waiting for the socket to drain when its buffer is full. Node
 * parses pipelined requests as they arrive and would start every handler at once, keeping every
 * answer in memory until the client reads them (100 pipelined `GET /metrics` held gigabytes); one
 * at a time, a client that does not read holds one answer. A connection with more than
 * {@link MAX_PIPELINED} requests waiting is closed.
 */
export function inTurn(req: IncomingMessage, res: ServerResponse, answer: () => void): void {
  const socket = req.socket;
  let turns = bySocket.get(socket);
  if (turns === undefined) {
    const created: Turns = { busy: false, waiting: [] };
    bySocket.set(socket, created);
    socket.once('close', () => {
      created.waiting.length = 0;
    });
    turns = created;
  }
  const t = turns;
  const run = (): void => {
    t.busy = true;
    let ended = false;
    const next = (): void => {
      if (t.waiting.length === 0 || socket.destroyed) {
        t.busy = false;
        t.waiting.length = 0;
        return;
      }
      (t.waiting.shift() as () => void)();
    };
    const done = (): void => {
      if (ended) return;
      ended = true;
      res.off('finish', done).off('close', done);
      if (!socket.writableNeedDrain || socket.destroyed) {
        next();
        return;
      }
      const resume = (): void => {
        socket.off('drain', resume).off('close', resume);
        next();
      };
      socket.once('drain', resume).once('close', resume);
    };
    res.once('finish', done).once('close', done);
    answer();
  };
  if (!t.busy) run();
  else if (t.waiting.length >= MAX_PIPELINED) socket.destroy();
  else t.waiting.push(run);
}
