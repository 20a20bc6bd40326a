import { type IsotelErrorCode, isIsotelError } from './isotel-error.js';

/** The `IsotelError` code `fn` throws, `'other'` for any other error, or undefined when it returns. */
export function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return isIsotelError(error) ? error.code : 'other';
  }
  return undefined;
}

/** The message of the `IsotelError` with `code` that `fn` throws; fails the test otherwise. */
export function messageOf(fn: () => unknown, code: IsotelErrorCode): string {
  try {
    fn();
  } catch (error) {
    if (isIsotelError(error, code)) return error.message;
    throw new Error(`expected an IsotelError [${code}], got ${String(error)}`);
  }
  throw new Error(`expected an IsotelError [${code}], but nothing was thrown`);
}
