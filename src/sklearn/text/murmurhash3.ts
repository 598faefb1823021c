import { murmur3Finalize, murmur3Mix, murmur3MixWord } from '../../hash/murmur3';

/**
 * MurmurHash3_x86_32 over the UTF-8 bytes of a string, as sklearn's `murmurhash3_32(key, seed,
 * positive=False)` (sklearn/utils/murmurhash.pyx over Austin Appleby's MurmurHash3.cpp). Returns
 * the signed 32-bit result.
 */
export function murmurhash3Signed(text: string, seed = 0): number {
  // Reuse one scratch buffer: n-grams are short and this runs once per feature per request.
  if (text.length * 3 > scratch.length) scratch = new Uint8Array(text.length * 3);
  const { written } = encoder.encodeInto(text, scratch);
  return murmurhash3Bytes(scratch.subarray(0, written), seed) | 0;
}

const encoder = new TextEncoder();
let scratch = new Uint8Array(256);

/** MurmurHash3_x86_32 of raw bytes, as an unsigned 32-bit number. */
export function murmurhash3Bytes(bytes: Uint8Array, seed = 0): number {
  const n = bytes.length;
  const blocks = n - (n % 4);
  let h = seed | 0;
  for (let i = 0; i < blocks; i += 4) h = murmur3Mix(h, bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24));
  const tail = n & 3;
  if (tail > 0) {
    let k = 0;
    if (tail === 3) k ^= bytes[blocks + 2] << 16;
    if (tail >= 2) k ^= bytes[blocks + 1] << 8;
    k ^= bytes[blocks];
    h ^= murmur3MixWord(k);
  }
  return murmur3Finalize(h ^ n) >>> 0;
}
