import type { Estimator } from '../base';
import { buildPreprocessor } from './analyzer';
import { CountVectorizer, type CountVectorizerState } from './count-vectorizer';
import { NgramTrie, toCodePoints } from './ngram-trie';
import { collapseWhitespace, pythonSplit } from './python-text';
import type { TfidfTransformerState } from './tfidf-transformer';

/**
 * One row of a fitted `char` / `char_wb` CountVectorizer or TfidfVectorizer, computed without a
 * string per n-gram: the document's code points are walked through an {@link NgramTrie} of the
 * vocabulary, counts land in a reused typed array, then sublinear tf, idf and the row norm are applied
 * in one pass. The result is the CSR row sklearn's `transform` stores, same columns in the same order
 * with the same floats (so later sums -- a norm, a linear model's dot product -- add up in the same
 * order): columns ascending (`sort_indices`), or descending after the idf product (scipy's
 * `csr_matmat` links the product's columns in reverse; see TfidfTransformer.transformCsr), entries
 * whose product is zero dropped, then each value divided by the row's norm.
 *
 * Not reentrant: one row at a time, read {@link columns} / {@link values} before the next call.
 */
export class FastTfidfRows {
  /** The row's columns, in stored order; valid up to the length {@link row} returned. */
  readonly columns: Int32Array;
  /** The row's values, matching {@link columns}. */
  readonly values: Float64Array;
  /** With {@link attachCoefficients}: each entry's coefficient, matching {@link columns}. */
  readonly coefficients: Float64Array;
  /** `[idf, coefficient]` per column once coefficients are attached: one cache line per entry. */
  private idfCoef: Float64Array | undefined;
  private trie: NgramTrie | undefined;
  private readonly counts: Int32Array;
  private readonly preprocess: (doc: string) => string;
  private cps = new Int32Array(256);

  private constructor(
    private readonly state: CountVectorizerState,
    private readonly tfidf: TfidfTransformerState | undefined,
  ) {
    const size = state.vocabulary_.size;
    this.counts = new Int32Array(size);
    this.columns = new Int32Array(size);
    this.values = new Float64Array(size);
    this.coefficients = new Float64Array(size);
    this.preprocess = buildPreprocessor(state);
  }

  /** A fast row builder for `vectorizer`, or undefined when it is not a char/char_wb count or TF-IDF vectorizer. */
  static of(vectorizer: Estimator): FastTfidfRows | undefined {
    if (!(vectorizer instanceof CountVectorizer)) return undefined;
    const state = vectorizer.settings;
    if (state.analyzer !== 'char' && state.analyzer !== 'char_wb') return undefined;
    return new FastTfidfRows(state, vectorizer.tfidfSettings);
  }

  /** The vocabulary's size: the vectorizer's number of output columns. */
  get width(): number {
    return this.counts.length;
  }

  /**
   * Keeps `coef` (one weight per column of this vectorizer) beside the idf, so {@link row} also fills
   * {@link coefficients} from the cache line it reads the idf from.
   */
  attachCoefficients(coef: Float64Array): void {
    const idf = this.tfidf?.idf_ ?? null;
    const both = new Float64Array(2 * this.width);
    for (let c = 0; c < this.width; c++) {
      both[2 * c] = idf === null ? 1 : idf[c];
      both[2 * c + 1] = coef[c];
    }
    this.idfCoef = both;
  }

  /**
   * True when no row can hold infinity or NaN (finite idf well below overflow), so a caller may skip
   * checking the values sklearn would refuse.
   */
  get alwaysFinite(): boolean {
    const idf = this.tfidf?.idf_ ?? null;
    return idf === null || idf.every((v) => Number.isFinite(v) && Math.abs(v) < 1e290);
  }

  /** Computes `doc`'s row into {@link columns} / {@link values}; returns its number of entries. */
  row(doc: string): number {
    const n = this.count(doc);
    const { columns, values, counts, coefficients, idfCoef } = this;
    const tfidf = this.tfidf;
    const idf = tfidf?.idf_ ?? null;
    const sublinear = tfidf?.sublinear_tf === true;
    const binary = this.state.binary;
    const sorted = columns.subarray(0, n).sort();
    if (idf !== null) sorted.reverse();
    let kept = 0;
    for (let k = 0; k < n; k++) {
      const column = sorted[k];
      let v = binary ? 1 : counts[column];
      counts[column] = 0;
      // log(1) is exactly 0: most n-grams occur once
      if (sublinear) v = v === 1 ? 1 : Math.log(v) + 1;
      if (idfCoef !== undefined) {
        if (idf !== null) v *= idfCoef[2 * column];
        coefficients[kept] = idfCoef[2 * column + 1];
      } else if (idf !== null) v *= idf[column];
      if (v === 0 && idf !== null) continue;
      columns[kept] = column;
      values[kept++] = v;
    }
    const norm = tfidf?.norm ?? null;
    if (norm === null) return kept;
    let s = 0;
    for (let k = 0; k < kept; k++) {
      const v = values[k];
      if (norm === 'l2') s += v * v;
      else if (norm === 'l1') s += Math.abs(v);
      else s = Math.max(s, Math.abs(v));
    }
    if (s === 0) return kept;
    if (norm === 'l2') s = Math.sqrt(s);
    for (let k = 0; k < kept; k++) values[k] /= s;
    return kept;
  }

  /** Counts `doc`'s n-grams found in the vocabulary into `counts`; their columns into `columns`. */
  private count(doc: string): number {
    const [minN, maxN] = this.state.ngram_range;
    const trie = (this.trie ??= NgramTrie.fromVocabulary(this.state.vocabulary_, maxN));
    const text = collapseWhitespace(this.preprocess(doc));
    if (this.state.analyzer === 'char') {
      const len = this.codePoints(text, 0, 0);
      return trie.count(this.cps, len, minN, maxN, false, this.counts, this.columns, 0);
    }
    let n = 0;
    for (const word of pythonSplit(text)) {
      const len = this.codePoints(word, 1, 1);
      n = trie.count(this.cps, len, minN, maxN, true, this.counts, this.columns, n);
    }
    return n;
  }

  /** Writes `text`'s code points into `cps`, with a space before and after when asked (char_wb); returns their number. */
  private codePoints(text: string, before: number, after: number): number {
    const needed = text.length + before + after;
    if (this.cps.length < needed) this.cps = new Int32Array(2 * needed);
    const cps = this.cps;
    if (before === 1) cps[0] = 0x20;
    let n = toCodePoints(text, cps, cps.length, before);
    if (after === 1) cps[n++] = 0x20;
    return n;
  }
}
