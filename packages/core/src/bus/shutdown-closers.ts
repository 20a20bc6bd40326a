import { logger } from '../log/logger.js';

/**
 * What a bus runs at shutdown: sources (parts that emit into the bus: a collector draining its
 * uploads, a poller) first, then everything else (reporters, exporters), so what the sources emit
 * while closing still reaches the rest. Each callback runs once; failures are logged.
 */
export class ShutdownClosers {
  readonly #closers = new Map<() => unknown, boolean>();

  /** Registers `close`; returns a function that unregisters it. */
  add(close: () => unknown, source: boolean): () => void {
    this.#closers.set(close, source);
    return () => {
      this.#closers.delete(close);
    };
  }

  /** Runs and forgets every registered callback: the sources, awaited, then the rest. */
  async runAll(): Promise<void> {
    const closers = [...this.#closers];
    this.#closers.clear();
    for (const source of [true, false]) {
      const results = await Promise.allSettled(
        closers.filter(([, isSource]) => isSource === source).map(async ([close]) => close()),
      );
      for (const result of results) {
        if (result.status === 'rejected') logger().error('A shutdown callback failed.', result.reason);
      }
    }
  }
}
