/** Where isotel reports its own diagnostics (a refused registry, a failing thunk, ...). */
export interface Logger {
  warn(message: string, detail?: unknown): void;
  error(message: string, detail?: unknown): void;
}

const consoleLogger: Logger = {
  warn(message, detail) {
    globalThis.console?.warn(`[isotel] ${message}`, ...(detail === undefined ? [] : [detail]));
  },
  error(message, detail) {
    globalThis.console?.error(`[isotel] ${message}`, ...(detail === undefined ? [] : [detail]));
  },
};

const silentLogger: Logger = { warn() {}, error() {} };

let current: Logger = consoleLogger;

/**
 * Replaces the logger isotel uses for its own diagnostics. Pass `null` to silence it.
 *
 * @default a logger writing to `console.warn` / `console.error` with an `[isotel]` prefix
 * @example setLogger(null) // silence isotel's diagnostics in tests
 */
export function setLogger(logger: Logger | null): void {
  current = logger ?? silentLogger;
}

/** The logger in force. Internal modules log only through this. */
export function logger(): Logger {
  return current;
}
