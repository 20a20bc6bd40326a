/** The outcome of {@link readBody}. */
export type BodyResult =
  | { readonly ok: true; readonly text: string; readonly bytes: number }
  | { readonly ok: false; readonly reason: 'too_large' | 'unreadable' };

/** The result for a body over its limit. */
export const BODY_TOO_LARGE: BodyResult = Object.freeze({ ok: false, reason: 'too_large' });
/** The result for a body that could not be read. */
export const BODY_UNREADABLE: BodyResult = Object.freeze({ ok: false, reason: 'unreadable' });
const decoder = new TextDecoder('utf-8', { fatal: true });

/** Reads a body straight from its source, under a byte limit, and throws the rest away on `discard`. */
export interface BodySource {
  read(limit: number): Promise<BodyResult>;
  discard(): void;
}

// Bodies of requests made by the Node adapter for ingest: read from the socket directly rather
// than through a ReadableStream and its reader (the stream machinery cost more than the copy).
const sources = new WeakMap<Request, BodySource>();

/** Gives a bodiless `Request` the body it stands for; {@link readBody} and {@link discardBody} use it. */
export function attachBodySource(request: Request, source: BodySource): void {
  sources.set(request, source);
}

/** Throws a request's body away unread (an answer that does not need it). */
export async function discardBody(request: Request): Promise<void> {
  const source = sources.get(request);
  if (source !== undefined) source.discard();
  else await request.body?.cancel().catch(() => undefined);
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
 * Reads a request body as UTF-8 text, at most `limit` bytes. A declared `Content-Length` over the
 * limit is refused before any byte is read; otherwise the stream is read chunk by chunk and
 * cancelled as soon as it passes the limit, so an oversized body is never held in memory.
 */
export async function readBody(request: Request, limit: number): Promise<BodyResult> {
  const source = sources.get(request);
  if (source !== undefined) return source.read(limit);
  const declared = request.headers.get('content-length');
  if (declared !== null && Number(declared) > limit) {
    await request.body?.cancel().catch(() => undefined);
    return BODY_TOO_LARGE;
  }
  const body = request.body;
  if (body === null) return { ok: true, text: '', bytes: 0 };
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > limit) {
        await reader.cancel().catch(() => undefined);
        return BODY_TOO_LARGE;
      }
      chunks.push(value);
    }
  } catch {
    return BODY_UNREADABLE;
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
