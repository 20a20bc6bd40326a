/** Longest client, session or handler id the collector's routes take. */
export const MAX_ID_LENGTH = 128;

// C0 controls and DEL: an id is written into logs, metadata and SSE messages
function hasControl(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

/**
 * What is wrong with an id that reaches a collector route (a batch's `clientId` or `sessionId`,
 * `/v1/stream?clientId=`, `/v1/control/:clientId`, `/v1/handlers/:id`), to finish "The ... id ",
 * or `undefined` when it is valid: a string of 1–128 characters, without control characters, and
 * neither `.` nor `..`, which URL normalisation removes from a path, so no route could address them.
 */
export function idProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'must be a string';
  if (value.length === 0 || value.length > MAX_ID_LENGTH) return `must be 1-${MAX_ID_LENGTH} characters long`;
  if (value === '.' || value === '..') return 'must not be "." or ".."';
  if (hasControl(value)) return 'must not contain control characters';
  return undefined;
}
