import { murmur3Finalize, murmur3Mix } from '../hash/murmur3';

/**
 * A doorkeeper for the memos of the hot path (src/features/row-memo.ts,
 * src/adapter/item-score-cache.ts): it says whether a text was probably seen recently, so a memo keeps
 * only what comes again. A text seen once (a counter in an argument, a nonce, a crawler's new URL)
 * then costs a hash and nothing more: remembering it would keep a string alive long enough for the
 * garbage collector to move it to the old generation, and a flood of them made the collector's work
 * outweigh the memo (measured: +8 µs of GC per request on bodies with a new argument each time).
 *
 * One int32 hash per slot, `slots` slots: a text is "seen" when its slot holds its hash. Collisions
 * only let a text in early, which costs memory, never a wrong answer (the memos compare exactly).
 */
export class SecondSight {
  private readonly hashes: Int32Array;

  /** @param slots a power of two */
  constructor(slots = 4096) {
    if (!Number.isInteger(Math.log2(slots))) throw new RangeError(`slots must be a power of two, got ${slots}`);
    this.hashes = new Int32Array(slots);
  }

  /** True when `text` was marked before (probably); marks it either way. */
  seenBefore(text: string): boolean {
    const hash = hashText(text);
    const slot = (hash ^ (hash >>> 16)) & (this.hashes.length - 1);
    if (this.hashes[slot] === hash) return true;
    this.hashes[slot] = hash;
    return false;
  }
}

/** A 32-bit hash of the UTF-16 units of `text` (MurmurHash3's mixing), never 0 (the empty slot). */
function hashText(text: string): number {
  let hash = text.length;
  for (let i = 0; i < text.length; i++) hash = murmur3Mix(hash, text.charCodeAt(i));
  hash = murmur3Finalize(hash);
  return hash === 0 ? 1 : hash;
}
