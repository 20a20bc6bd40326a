// UUIDv7 ids for exported records (RFC 9562): 48-bit Unix ms, a 12-bit per-ms counter (method 1,
// so ids of one page sort in emit order), 62 random bits. The same layout as core's uuidv7, but
// the random bytes come from a pool filled 4 KiB at a time: in Chromium one getRandomValues call
// costs microseconds, far more than the rest of an exported emit.

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const POOL_BYTES = 4096;
const pool = new Uint8Array(POOL_BYTES);
let offset = POOL_BYTES;
let lastMs = -1;
let counter = 0;
// the first 14 characters only change with the millisecond
let prefixMs = -1;
let prefix = '';

function refill(): void {
  const crypto = globalThis.crypto;
  if (crypto?.getRandomValues) crypto.getRandomValues(pool);
  else for (let i = 0; i < POOL_BYTES; i++) pool[i] = Math.floor(Math.random() * 256);
  offset = 0;
}

/** A new UUIDv7 for a record made at `now` (epoch ms). */
export function recordUuid(now: number): string {
  if (offset + 9 > POOL_BYTES) refill();
  const r = offset;
  offset += 9;
  if (now > lastMs) {
    lastMs = now;
    counter = (pool[r + 8] as number) & 0x07;
  } else if (++counter > 0xfff) {
    // counter exhausted within one ms: borrow the next millisecond, keeping order
    lastMs++;
    counter = 0;
  }
  const ms = lastMs;
  if (ms !== prefixMs) {
    const high = Math.floor(ms / 2 ** 32);
    prefix = `${HEX[(high >>> 8) & 0xff]}${HEX[high & 0xff]}${HEX[(ms >>> 24) & 0xff]}${HEX[(ms >>> 16) & 0xff]}-${HEX[(ms >>> 8) & 0xff]}${HEX[ms & 0xff]}-`;
    prefixMs = ms;
  }
  return (
    prefix +
    HEX[0x70 | ((counter >>> 8) & 0x0f)] +
    HEX[counter & 0xff] +
    '-' +
    HEX[0x80 | ((pool[r] as number) & 0x3f)] +
    HEX[pool[r + 1] as number] +
    '-' +
    HEX[pool[r + 2] as number] +
    HEX[pool[r + 3] as number] +
    HEX[pool[r + 4] as number] +
    HEX[pool[r + 5] as number] +
    HEX[pool[r + 6] as number] +
    HEX[pool[r + 7] as number]
  );
}
