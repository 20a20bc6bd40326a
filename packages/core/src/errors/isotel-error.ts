/**
 * Stable codes carried by every {@link IsotelError}. Codes never change meaning once released;
 * match on `error.code`, not on the message.
 */
export type IsotelErrorCode =
  | 'handler_exists'
  | 'invalid_handler'
  | 'invalid_name'
  | 'invalid_pattern'
  | 'invalid_argument'
  | 'invalid_control'
  | 'invalid_catalog'
  | 'invalid_metric'
  | 'invalid_config'
  | 'unknown_event'
  | 'invalid_answer'
  | 'shutdown';

/**
 * The one error type isotel throws. It is thrown only for programmer misuse (a bad pattern, a
 * duplicate handler id, invalid control input); telemetry paths such as `emit` never throw.
 *
 * @example
 * try { t.attach('log', 'a..b', fn) } catch (e) {
 *   if (e instanceof IsotelError && e.code === 'invalid_pattern') ...
 * }
 */
export class IsotelError extends Error {
  /** A stable, machine-readable code. */
  readonly code: IsotelErrorCode;

  constructor(code: IsotelErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'IsotelError';
    this.code = code;
  }
}

/**
 * True when `value` is an {@link IsotelError}, optionally with the given code. Unlike
 * `instanceof`, it also recognises errors thrown by another copy of the package (two bundles).
 */
export function isIsotelError(value: unknown, code?: IsotelErrorCode): value is IsotelError {
  const isotel =
    value instanceof IsotelError ||
    (value instanceof Error && value.name === 'IsotelError' && typeof (value as { code?: unknown }).code === 'string');
  return isotel && (code === undefined || (value as IsotelError).code === code);
}
