import { isIsotelError } from './isotel-error.js';

/** The `IsotelError` code `fn` throws, `'other'` for any other error, or undefined when it returns. */
export function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return isIsotelError(error) ? error.code : 'other';
  }
  return undefined;
}
