// UUIDv7 (RFC 9562): 48-bit Unix ms timestamp, then 12 bits of a per-ms counter (method 1, so
// ids made in the same millisecond still sort in creation order), then 62 random bits.
// Uses only Web Crypto, which browsers, workers and Node >= 19 expose on globalThis.

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const bytes = new Uint8Array(16);
let lastMs = -1;
let counter = 0;

function fillRandom(target: Uint8Array<ArrayBuffer>): void {
  const crypto = globalThis.crypto;
  if (crypto?.getRandomValues) {
    crypto.getRandomValues(target);
    return;
  }
  for (let i = 0; i < target.length; i++) target[i] = Math.floor(Math.random() * 256);
}

/**
 * A new UUIDv7 string: time-ordered, unique across processes and tabs.
 *
 * @example uuidv7() // '019364d2-8f0a-7c3e-9a41-5b2f0c1d7e88'
 */
export function uuidv7(now: number = Date.now()): string {
  fillRandom(bytes);
  if (now > lastMs) {
    lastMs = now;
    counter = (bytes[6] as number) & 0x07; // random start, leaves room to count up
  } else {
    counter++;
    if (counter > 0xfff) {
      // counter exhausted within one ms: borrow the next millisecond, keeping order
      lastMs++;
      counter = 0;
    }
  }
  const ms = lastMs;
  bytes[0] = Math.floor(ms / 2 ** 40) & 0xff;
  bytes[1] = Math.floor(ms / 2 ** 32) & 0xff;
  bytes[2] = (ms >>> 24) & 0xff;
  bytes[3] = (ms >>> 16) & 0xff;
  bytes[4] = (ms >>> 8) & 0xff;
  bytes[5] = ms & 0xff;
  bytes[6] = 0x70 | ((counter >>> 8) & 0x0f);
  bytes[7] = counter & 0xff;
  bytes[8] = 0x80 | ((bytes[8] as number) & 0x3f);
  let out = '';
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) out += '-';
    out += HEX[bytes[i] as number];
  }
  return out;
}
