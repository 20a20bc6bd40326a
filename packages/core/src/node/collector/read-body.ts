/**
 * Why a body was not read: over its limit, not UTF-8, cut short by the client, not there within
 * its time limit, or arriving slower than the minimum upload rate.
 */
export type BodyFailure = 'too_large' | 'unreadable' | 'aborted' | 'timeout' | 'too_slow';

/** The outcome of {@link readBody}. */
export type BodyResult =
  | { readonly ok: true; readonly text: string; readonly bytes: number }
  | { readonly ok: false; readonly reason: BodyFailure };

/** The result for a body over its limit. */
export const BODY_TOO_LARGE: BodyResult = Object.freeze({ ok: false, reason: 'too_large' });
/** The result for a body that is not valid UTF-8. */
export const BODY_UNREADABLE: BodyResult = Object.freeze({ ok: false, reason: 'unreadable' });
/** The result for a body whose upload ended early (the client went away). */
export const BODY_ABORTED: BodyResult = Object.freeze({ ok: false, reason: 'aborted' });
/** The result for a body that did not arrive within its time limit. */
export const BODY_TIMEOUT: BodyResult = Object.freeze({ ok: false, reason: 'timeout' });
/** The result for a body arriving slower than its {@link UploadPace}. */
export const BODY_TOO_SLOW: BodyResult = Object.freeze({ ok: false, reason: 'too_slow' });

/**
 * The slowest a body may arrive: once `graceMs` have passed since reading began, at least
 * `bytesPerSecond` times the seconds elapsed must be in (or the whole body, when it is smaller).
 */
export interface UploadPace {
  readonly bytesPerSecond: number;
  readonly graceMs: number;
}

const PACE_CHECK_MS = 250;

/**
 * Calls `onSlow` once an upload falls behind `pace` (`received()` bytes read of `declared`, or of
 * an unknown length). Returns the function that stops watching.
 */
export function watchPace(
  pace: UploadPace | undefined,
  declared: number | undefined,
  received: () => number,
  onSlow: () => void,
): () => void {
  if (pace === undefined) return () => undefined;
  const started = performance.now();
  let timer: ReturnType<typeof setTimeout>;
  const check = (): void => {
    const due = (pace.bytesPerSecond * (performance.now() - started)) / 1000;
    if (received() < Math.min(due, declared ?? Number.POSITIVE_INFINITY)) onSlow();
    else timer = setTimeout(check, PACE_CHECK_MS);
  };
  timer = setTimeout(check, pace.graceMs);
  return () => clearTimeout(timer);
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/** The answer to a body that was not read, with the same code on every route. */
export function bodyProblem(reason: BodyFailure, limit: number): { status: number; code: string; message: string } {
  switch (reason) {
    case 'too_large':
      return { status: 413, code: 'body_too_large', message: `The body exceeds ${limit} bytes.` };
    case 'timeout':
      return { status: 408, code: 'body_timeout', message: 'The body did not arrive in time.' };
    case 'too_slow':
      return { status: 408, code: 'body_too_slow', message: 'The body arrived slower than the minimum upload rate.' };
    case 'aborted':
      return { status: 400, code: 'aborted', message: 'The upload ended before the whole body arrived.' };
    default:
      return { status: 400, code: 'unreadable_body', message: 'The body could not be read as UTF-8.' };
  }
}

/** Reads a body straight from its source, under a byte limit, and throws the rest away on `discard`. */
export interface BodySource {
  read(limit: number, timeoutMs: number, pace?: UploadPace): Promise<BodyResult>;
  /** Throws the rest away as it arrives; the connection is closed after the answer. */
  discard(): void;
  /** Reads the rest and throws it away; true when it ended within both bounds. No-op after read/discard. */
  drain(limit: number, timeoutMs: number): Promise<boolean>;
}

// Bodies of requests made by the Node adapter for ingest: read from the socket directly rather
// than through a ReadableStream and its reader (the stream machinery cost more than the copy).
const sources = new WeakMap<Request, BodySource>();

/** Gives a bodiless `Request` the body it stands for; {@link readBody} and {@link discardBody} use it. */
export function attachBodySource(request: Request, source: BodySource): void {
  sources.set(request, source);
}

/** Throws a request's body away unread, without waiting for it (an upload refused for load). */
export async function discardBody(request: Request): Promise<void> {
  const source = sources.get(request);
  if (source !== undefined) source.discard();
  else await request.body?.cancel().catch(() => undefined);
}

/**
 * Reads what is left of a body nobody read and throws it away, so the client, still uploading,
 * gets to read the answer instead of a reset connection. Bounded: a declared or actual body over
 * `limit` bytes, or one still arriving after `timeoutMs`, is cut (the connection then closes).
 */
export async function drainBody(request: Request, limit: number, timeoutMs: number): Promise<void> {
  const source = sources.get(request);
  if (source !== undefined) {
    await source.drain(limit, timeoutMs);
    return;
  }
  const body = request.body;
  if (body === null || request.bodyUsed || body.locked) return;
  if (Number(request.headers.get('content-length')) > limit) {
    await body.cancel().catch(() => undefined);
    return;
  }
  const reader = body.getReader();
  const timer = setTimeout(() => reader.cancel().catch(() => undefined), timeoutMs);
  try {
    for (let total = 0; ; ) {
      const { done, value } = await reader.read();
      if (done) return;
      total += value.byteLength;
      if (total > limit) {
        await reader.cancel().catch(() => undefined);
        return;
      }
    }
  } catch {
    // the client went away: nothing left to drain
  } finally {
    clearTimeout(timer);
  }
}

/** UTF-8 text of the bytes read, or `unreadable` when they are not valid UTF-8. */
export function decodeBody(chunks: readonly Uint8Array[], total: number): BodyResult {
  try {
    return { ok: true, text: decoder.decode(join(chunks, total)), bytes: total };
  } catch {
    return BODY_UNREADABLE; // not valid UTF-8
  }
}

/**
 * Reads a request body as UTF-8 text, at most `limit` bytes within `timeoutMs` (and, given a
 * `pace`, no slower than it). A declared `Content-Length` over the limit is refused before any
 * byte is read; otherwise the stream is read chunk by chunk and cancelled as soon as it passes
 * the limit, the time or the pace, so an oversized or stalled body is never held for long.
 */
export async function readBody(
  request: Request,
  limit: number,
  timeoutMs: number,
  pace?: UploadPace,
): Promise<BodyResult> {
  const source = sources.get(request);
  if (source !== undefined) return source.read(limit, timeoutMs, pace);
  const declared = request.headers.get('content-length');
  if (declared !== null && Number(declared) > limit) {
    await request.body?.cancel().catch(() => undefined);
    return BODY_TOO_LARGE;
  }
  const body = request.body;
  if (body === null) return { ok: true, text: '', bytes: 0 };
  const reader = body.getReader();
  let cut: BodyResult | undefined;
  const stop = (result: BodyResult): void => {
    cut ??= result;
    reader.cancel().catch(() => undefined); // a pending read then ends as done
  };
  const timer = setTimeout(() => stop(BODY_TIMEOUT), timeoutMs);
  const chunks: Uint8Array[] = [];
  let total = 0;
  const declaredBytes = declared === null ? undefined : Number(declared);
  const unwatch = watchPace(
    pace,
    declaredBytes,
    () => total,
    () => stop(BODY_TOO_SLOW),
  );
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (cut !== undefined) return cut;
      if (done) break;
      total += value.byteLength;
      if (total > limit) {
        await reader.cancel().catch(() => undefined);
        return BODY_TOO_LARGE;
      }
      chunks.push(value);
    }
  } catch {
    return cut ?? BODY_ABORTED;
  } finally {
    clearTimeout(timer);
    unwatch();
  }
  return decodeBody(chunks, total);
}

function join(chunks: readonly Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
