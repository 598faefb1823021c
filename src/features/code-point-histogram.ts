import { log2Int } from './text-stats';

/**
 * Code point counts kept in first-seen order, as a Python dict keeps them: the entropy's sum runs in
 * that order, so the float result is the twin's bit for bit. ASCII counts live in a typed array
 * (no Map operation per character on the hot path); other code points in a Map. Meant to be
 * reused: {@link CodePointHistogram.clear} empties it without allocating.
 */
export class CodePointHistogram {
  private readonly ascii = new Int32Array(128);
  private readonly other = new Map<number, number>();
  private readonly order: number[] = [];

  /** Counts `code` (a code point, lone surrogates included) `times` more times. */
  add(code: number, times = 1): void {
    if (code < 128) {
      if (this.ascii[code] === 0) this.order.push(code);
      this.ascii[code] += times;
    } else {
      const n = this.other.get(code);
      if (n === undefined) this.order.push(code);
      this.other.set(code, (n ?? 0) + times);
    }
  }

  /**
   * Adds every count of `other`, in its first-seen order. Adding a value's own histogram after the
   * value gives the same counts and the same first-seen order as adding its code points one by one:
   * a code point new here is new in the value, and its first occurrence there is where it sorts.
   */
  addAll(other: CodePointHistogram): void {
    for (const code of other.order) this.add(code, code < 128 ? other.ascii[code] : other.other.get(code)!);
  }

  /**
   * Shannon entropy in bits of the counts, `total` being their sum: log2(total) - sum(c * log2 c) / total,
   * summed in first-seen order (text-stats.ts `entropy`); 0 when `total` is 0.
   */
  entropy(total: number): number {
    if (total === 0) return 0;
    let weighted = 0;
    for (const code of this.order) {
      const c = code < 128 ? this.ascii[code] : this.other.get(code)!;
      weighted += c * log2Int(c);
    }
    return log2Int(total) - weighted / total;
  }

  /** Forgets every count (touching only the ones seen) and returns this histogram. */
  clear(): this {
    for (const code of this.order) if (code < 128) this.ascii[code] = 0;
    if (this.other.size > 0) this.other.clear();
    if (this.order.length > 0) this.order.length = 0;
    return this;
  }
}
