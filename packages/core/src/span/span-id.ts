// Span ids: 16 lowercase hex characters (64 bits, the width OpenTelemetry uses for span ids, so
// the bridge can pass them through). The first 8 are random per page or process, the last 8 a
// counter starting at a random value; when the counter wraps, a new random prefix is drawn.
// That costs one string concatenation per span instead of a Web Crypto call per id, and stays
// unique across tabs and processes with the odds of a 32-bit random prefix per 2^32 spans.
// Span ids are not time-ordered; the events they appear in carry the time. Correlation ids,
// made once per request, are UUIDv7 (time-ordered).

const HEX: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function random32(): number {
  const crypto = globalThis.crypto;
  if (crypto?.getRandomValues) return crypto.getRandomValues(new Uint32Array(1))[0] as number;
  return Math.floor(Math.random() * 2 ** 32);
}

function hex8(value: number): string {
  return value.toString(16).padStart(8, '0');
}

// Number#toString(16) is a slow runtime call, so an id is `head` plus its last byte from a table:
// `head` holds the prefix and the counter's upper 24 bits and is rebuilt once every 256 ids.
let prefix = hex8(random32());
let head = '';
// The counter and the ids left under this prefix, held unboxed (bench/README.md, Spans and
// context: "Span id state").
const state = new Float64Array([random32(), 2 ** 32]);
const COUNTER = 0;
const LEFT = 1;

/**
 * A new span id: 16 lowercase hex characters, unique per page or process.
 *
 * @example nextSpanId() // '9f3c01a2000004d2'
 */
export function nextSpanId(): string {
  if (--(state[LEFT] as number) === 0) {
    prefix = hex8(random32());
    state[LEFT] = 2 ** 32;
    head = '';
  }
  const counter = ((state[COUNTER] as number) + 1) >>> 0;
  state[COUNTER] = counter;
  const low = counter & 0xff;
  if (low === 0 || head === '') head = prefix + hex8(counter).slice(0, 6);
  return head + (HEX[low] as string);
}
