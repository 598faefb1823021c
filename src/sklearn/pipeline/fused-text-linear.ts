import type { Estimator } from '../base';
import { LinearClassifier } from '../linear/linear-classifier';
import { denseMatrix, type DenseMatrix, type EstimatorInput } from '../matrix';
import { CountVectorizer, textInput } from '../text/count-vectorizer';
import { FastTfidfRows } from '../text/fast-tfidf';
import { FeatureUnion } from './feature-union';

/** One vectorizer's row of one document, entries in sklearn's stored order (FastTfidfRows' shape). */
interface TextRows {
  readonly width: number;
  readonly columns: Int32Array;
  readonly values: Float64Array;
  readonly coefficients: Float64Array;
  readonly alwaysFinite: boolean;
  row(doc: string): number;
  attachCoefficients(coef: Float64Array): void;
}

/**
 * A FeatureUnion part the fast path cannot count (a `word` analyzer): its row through its own
 * `transform`, one document at a time, so the union's char parts still take the fast path.
 */
class VectorizerRows implements TextRows {
  readonly width: number;
  readonly columns: Int32Array;
  readonly values: Float64Array;
  readonly coefficients: Float64Array;
  readonly alwaysFinite = false;
  private coef: Float64Array | undefined;

  constructor(private readonly vectorizer: CountVectorizer) {
    this.width = vectorizer.nFeaturesOut;
    this.columns = new Int32Array(this.width);
    this.values = new Float64Array(this.width);
    this.coefficients = new Float64Array(this.width);
  }

  attachCoefficients(coef: Float64Array): void {
    this.coef = coef;
  }

  row(doc: string): number {
    const { indptr, indices, data } = this.vectorizer.transform([doc]);
    const n = indptr[1];
    this.columns.set(indices.subarray(0, n));
    this.values.set(data.subarray(0, n));
    if (this.coef !== undefined) for (let k = 0; k < n; k++) this.coefficients[k] = this.coef[indices[k]];
    return n;
  }
}

interface Part {
  readonly rows: TextRows;
  /** the part's first column in the stacked features */
  readonly offset: number;
  /** FeatureUnion's `transformer_weights` entry */
  readonly weight: number | undefined;
}

/**
 * The final linear classifier of a text pipeline -- a char/char_wb CountVectorizer or TfidfVectorizer,
 * or a FeatureUnion of vectorizers with at least one such part (word parts keep their own transform,
 * row by row), then LogisticRegression, SGDClassifier, LinearSVC, RidgeClassifier --
 * answering from the documents directly: each row comes from {@link FastTfidfRows} and is dotted
 * with `coef_` entry by entry, without a CSR matrix, a dense row or a string per n-gram.
 *
 * Same floats as the general path: the entries are those sklearn stores, in its order, weighted as
 * FeatureUnion does, and each output's sum runs over them in that order from 0 before the intercept
 * is added (scipy's `csr_matvecs`, as `affine` in linear/numeric-input.ts). Returns undefined for any
 * other shape (a lone word analyzer, other steps, mismatched widths): the pipeline then takes the general path.
 */
export function fuseTextLinear(transformers: readonly Estimator[], final: Estimator | null): Estimator | undefined {
  if (transformers.length !== 1 || !(final instanceof LinearClassifier)) return undefined;
  const step = transformers[0];
  const parts = textParts(step);
  if (parts === undefined) return undefined;
  const { coef, rows: nOut, intercept } = final.weights;
  const width = parts.reduce((sum, p) => sum + p.rows.width, 0);
  if (coef.length !== nOut * width) return undefined;
  // One output (binary classifiers): each part keeps its coefficients beside its idf.
  if (nOut === 1) for (const p of parts) p.rows.attachCoefficients(coef.subarray(p.offset, p.offset + p.rows.width));
  const checkFinite = !parts.every((p) => p.rows.alwaysFinite && (p.weight === undefined || Math.abs(p.weight) < 1e290));
  const bias = (o: number): number => (typeof intercept === 'number' ? intercept : intercept.length === 1 ? intercept[0] : intercept[o]);
  return final.withScores((X: EstimatorInput, general): DenseMatrix => {
    const docs = textInput(X, 'CountVectorizer');
    const out = denseMatrix(docs.length, nOut);
    for (let r = 0; r < docs.length; r++) {
      for (const { rows, offset, weight } of parts) {
        const n = rows.row(docs[r]);
        const { columns, values, coefficients } = rows;
        if (weight !== undefined) for (let k = 0; k < n; k++) values[k] *= weight;
        // sklearn refuses non-finite features (a tampered idf_ or weight): the general path says so.
        if (checkFinite) for (let k = 0; k < n; k++) if (!Number.isFinite(values[k])) return general((step.transform as (x: EstimatorInput) => EstimatorInput).call(step, X));
        if (nOut === 1) {
          let sum = out.data[r];
          for (let k = 0; k < n; k++) sum += values[k] * coefficients[k];
          out.data[r] = sum;
          continue;
        }
        for (let o = 0; o < nOut; o++) {
          const w = o * width + offset;
          let sum = out.data[r * nOut + o];
          for (let k = 0; k < n; k++) sum += values[k] * coef[w + columns[k]];
          out.data[r * nOut + o] = sum;
        }
      }
      for (let o = 0; o < nOut; o++) out.data[r * nOut + o] += bias(o);
    }
    return out;
  });
}

/**
 * The row builders of a char vectorizer, or of a FeatureUnion of vectorizers of which at least one
 * is char (word parts go through their own transform).
 */
function textParts(step: Estimator): Part[] | undefined {
  const single = FastTfidfRows.of(step);
  if (single !== undefined) return [{ rows: single, offset: 0, weight: undefined }];
  if (!(step instanceof FeatureUnion)) return undefined;
  const parts: Part[] = [];
  let offset = 0;
  let fast = 0;
  for (const member of step.members) {
    const transformer = member.transformer;
    const quick = transformer === null ? undefined : FastTfidfRows.of(transformer);
    const rows = quick ?? (transformer instanceof CountVectorizer ? new VectorizerRows(transformer) : undefined);
    if (rows === undefined) return undefined;
    if (quick !== undefined) fast++;
    parts.push({ rows, offset, weight: member.weight });
    offset += rows.width;
  }
  return fast > 0 ? parts : undefined;
}
