/**
 * The two steps of MurmurHash3_x86_32 (Austin Appleby's MurmurHash3.cpp), for callers that feed it
 * their own 32-bit words: sklearn's exact byte hash (src/sklearn/text/murmurhash3.ts) and the
 * hot path's memo slots (src/adapter/row-score-cache.ts, src/memo/second-sight.ts).
 */

/** One 32-bit block into the state. */
export function murmur3Mix(hash: number, word: number): number {
  hash ^= murmur3MixWord(word);
  hash = (hash << 13) | (hash >>> 19);
  return (Math.imul(hash, 5) + 0xe6546b64) | 0;
}

/** The word's own scrambling, which the tail applies alone (before `hash ^= k`, without the rotation). */
export function murmur3MixWord(word: number): number {
  const k = Math.imul(word, 0xcc9e2d51);
  return Math.imul((k << 15) | (k >>> 17), 0x1b873593);
}

/** The final avalanche (fmix32): every input bit reaches every output bit. Signed 32-bit. */
export function murmur3Finalize(hash: number): number {
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  return hash ^ (hash >>> 16);
}
