/**
 * A character n-gram vocabulary as a trie over code points, kept in one open-addressing table of
 * typed arrays, so a `char` / `char_wb` analyzer can count a document's n-grams straight into
 * vocabulary columns without building one string per n-gram (docs/performance.md).
 *
 * Each slot is one edge, four int32 side by side (one cache line holds four edges):
 * `[parent node, code point, child node, column of the child's n-gram or -1]`. Node 0 is the root; a
 * node's depth is its n-gram's length in code points. Every prefix of a term is a node, so a walk
 * that finds no edge can stop: no longer n-gram from that start is in the vocabulary.
 */
const STRIDE = 4;
const EMPTY = -1;

function slotOf(parent: number, cp: number, mask: number): number {
  let h = Math.imul(parent, 0x9e3779b1) ^ Math.imul(cp, 0x85ebca77);
  h ^= h >>> 15;
  return h & mask;
}

export class NgramTrie {
  private constructor(
    /** `STRIDE` int32 per slot; `slots[STRIDE * s] === EMPTY` marks a free slot */
    private readonly slots: Int32Array,
    private readonly mask: number,
  ) {}

  /**
   * Builds the trie of every term of at most `maxN` code points (a longer term can never come out
   * of the analyzer, so it could never be counted).
   */
  static fromVocabulary(vocabulary: ReadonlyMap<string, number>, maxN: number): NgramTrie {
    // Upper bound on edges: one per code point of every kept term.
    let edges = 1;
    for (const term of vocabulary.keys()) edges += Math.min(term.length, maxN);
    let capacity = 16;
    while (capacity < 2 * edges) capacity *= 2;
    const trie = new NgramTrie(new Int32Array(capacity * STRIDE).fill(EMPTY), capacity - 1);
    let nodes = 1;
    const path = new Int32Array(maxN);
    for (const [term, column] of vocabulary) {
      const n = toCodePoints(term, path, maxN);
      if (n < 0) continue;
      let node = 0;
      for (let i = 0; i < n; i++) {
        let s = trie.find(node, path[i]);
        if (s < 0) {
          s = ~s;
          trie.slots[STRIDE * s] = node;
          trie.slots[STRIDE * s + 1] = path[i];
          trie.slots[STRIDE * s + 2] = nodes++;
        }
        if (i === n - 1) trie.slots[STRIDE * s + 3] = column;
        node = trie.slots[STRIDE * s + 2];
      }
    }
    return trie.resized(nodes - 1);
  }

  /**
   * The same edges in the smallest table at most half full: the first table is sized for the worst
   * case (no shared prefixes), and a compact one keeps more of the walk in the caches.
   */
  private resized(edges: number): NgramTrie {
    let capacity = 16;
    while (capacity < 2 * edges) capacity *= 2;
    if (capacity - 1 >= this.mask) return this;
    const out = new NgramTrie(new Int32Array(capacity * STRIDE).fill(EMPTY), capacity - 1);
    for (let s = 0; s <= this.mask; s++) {
      if (this.slots[STRIDE * s] === EMPTY) continue;
      const t = ~out.find(this.slots[STRIDE * s], this.slots[STRIDE * s + 1]);
      out.slots.set(this.slots.subarray(STRIDE * s, STRIDE * s + STRIDE), STRIDE * t);
    }
    return out;
  }

  /** Table size in slots (for tests and the performance notes). */
  get capacity(): number {
    return this.mask + 1;
  }

  /** The slot of edge (parent, cp), or `~free slot` where it would go. */
  private find(parent: number, cp: number): number {
    const { slots, mask } = this;
    for (let s = slotOf(parent, cp, mask); ; s = (s + 1) & mask) {
      const p = slots[STRIDE * s];
      if (p === EMPTY) return ~s;
      if (p === parent && slots[STRIDE * s + 1] === cp) return s;
    }
  }

  /**
   * Counts the n-grams of `minN..maxN` code points of `cps[0..len)` that the vocabulary holds:
   * sklearn's `_char_ngrams` of a whole text, or with `paddedWord` its `_char_wb_ngrams` of one
   * space-padded word, which also counts the whole word once when `maxN` reaches its length (even
   * below `minN`, as sklearn's loop emits it before breaking). Counts go to `counts[column]`; each
   * column seen for the first time is appended to `touched`.
   * @returns the new length of `touched`
   */
  count(cps: Int32Array, len: number, minN: number, maxN: number, paddedWord: boolean, counts: Int32Array, touched: Int32Array, nTouched: number): number {
    const { slots, mask } = this;
    for (let start = 0; start < len; start++) {
      const last = Math.min(len, start + maxN);
      let node = 0;
      for (let i = start; i < last; i++) {
        const cp = cps[i];
        let s = slotOf(node, cp, mask);
        let p = slots[STRIDE * s];
        while (p !== EMPTY && (p !== node || slots[STRIDE * s + 1] !== cp)) {
          s = (s + 1) & mask;
          p = slots[STRIDE * s];
        }
        if (p === EMPTY) break;
        node = slots[STRIDE * s + 2];
        const column = slots[STRIDE * s + 3];
        const n = i - start + 1;
        const emitted = n >= minN || (paddedWord && n === len);
        if (column >= 0 && emitted && counts[column]++ === 0) touched[nTouched++] = column;
      }
    }
    return nTouched;
  }
}

/**
 * Writes the code points of `text` (a surrogate pair is one, a lone surrogate one by itself, as
 * Python's `str` indexes) into `out` from index `at`; returns the index after the last one, or -1
 * when that would pass `max`.
 */
export function toCodePoints(text: string, out: Int32Array, max: number, at = 0): number {
  let n = at;
  for (let u = 0; u < text.length; u++) {
    if (n === max) return -1;
    const c = text.codePointAt(u)!; // a valid pair joined, a lone surrogate as it is
    if (c > 0xffff) u++;
    out[n++] = c;
  }
  return n;
}
