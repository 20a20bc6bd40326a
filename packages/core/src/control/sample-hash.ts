/**
 * Maps a string to [0, 1) with FNV-1a and a murmur3 finaliser, so ids that differ only in their
 * last characters (counters) still spread evenly. The same id always gives the same number, so
 * every event of one span or correlation id is kept or dropped together at a given rate, and
 * an id kept at rate r is also kept at any higher rate.
 */
export function sampleHash(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}
