import { murmur3Finalize, murmur3Mix } from '../hash/murmur3';
import { batchThroughMemo } from '../memo/batch-through-memo';

/**
 * Remembers a model's score of each exact feature row it scored, so a request whose features equal
 * an earlier one's is not scored again. Feature rows repeat much more often than requests do: waf-v1
 * describes a request by counts, lengths and classes (docs/features.md), so two searches that differ
 * only in the words searched for, or a browser fetching the same page again, usually give the same
 * 58 numbers. A model's score of one row never changes while it is loaded, so the answer is the same
 * float; a reload builds a new adapter, and so a new cache.
 *
 * Exact: a row matches only when every value has the same 64 bits (so `-0` is not `0`, and a NaN
 * matches only the same NaN). Bounded: `capacity` slots of one row each, picked by a hash of the
 * row's bits; a new row takes its slot's place, so a flood of new rows (an attacker's, a crawler's)
 * costs only the scoring it would have cost anyway, plus one hash.
 */
export class RowScoreCache {
  /** Row `slot`'s value `j` as two int32 halves at `2 * (slot * width + j)`. */
  private readonly rowBits: Int32Array;
  private readonly scored: Float64Array;
  private readonly used: Uint8Array;
  private readonly row = new Float64Array(1);
  private readonly bits = new Int32Array(this.row.buffer);

  /**
   * @param width values per row: other rows are never kept (the model refuses them anyway)
   * @param capacity slots, a power of two
   */
  constructor(
    readonly width: number,
    private readonly capacity = 4096,
  ) {
    if (!Number.isInteger(Math.log2(capacity))) throw new RangeError(`capacity must be a power of two, got ${capacity}`);
    this.rowBits = new Int32Array(2 * width * capacity);
    this.scored = new Float64Array(capacity);
    this.used = new Uint8Array(capacity);
  }

  /**
   * Scores of `rows`, in order, from the cache where known; the others through `score` in one call
   * (so a batch stays a batch), then kept.
   */
  scores<Row extends ArrayLike<unknown>>(rows: readonly Row[], score: (missing: readonly Row[]) => ArrayLike<number>): Float64Array {
    return batchThroughMemo(
      rows,
      (row) => {
        const slot = this.slotOf(row);
        return slot >= 0 && this.used[slot] === 1 && this.holds(slot, row) ? this.scored[slot] : undefined;
      },
      score,
      (row, value) => {
        const slot = this.slotOf(row);
        if (slot >= 0) this.keep(slot, row, value);
      },
    );
  }

  /**
   * The slot of `row` (MurmurHash3's 32-bit mixing over the two halves of each value as float64, the
   * conversion the model's input matrix makes), or -1 for a row of another width. Rows usually
   * differ in a few high bits (sign, exponent), so every bit must reach the slot's low bits.
   */
  private slotOf(row: ArrayLike<unknown>): number {
    // Not a row of numbers: the model refuses it (a string, or a row of strings), so it is never kept.
    if (row.length !== this.width || typeof row === 'string' || typeof row[0] !== 'number') return -1;
    let hash = 0;
    for (let j = 0; j < row.length; j++) {
      this.row[0] = row[j] as number;
      hash = murmur3Mix(murmur3Mix(hash, this.bits[0]), this.bits[1]);
    }
    return murmur3Finalize(hash) & (this.capacity - 1);
  }

  private holds(slot: number, row: ArrayLike<unknown>): boolean {
    const base = 2 * slot * this.width;
    for (let j = 0; j < row.length; j++) {
      this.row[0] = row[j] as number;
      if (this.rowBits[base + 2 * j] !== this.bits[0] || this.rowBits[base + 2 * j + 1] !== this.bits[1]) return false;
    }
    return true;
  }

  private keep(slot: number, row: ArrayLike<unknown>, score: number): void {
    // Stored through the same float64 conversion the lookup makes, bit for bit (NaN payloads too).
    const base = 2 * slot * this.width;
    for (let j = 0; j < row.length; j++) {
      this.row[0] = row[j] as number;
      this.rowBits[base + 2 * j] = this.bits[0];
      this.rowBits[base + 2 * j + 1] = this.bits[1];
    }
    this.scored[slot] = score;
    this.used[slot] = 1;
  }
}
