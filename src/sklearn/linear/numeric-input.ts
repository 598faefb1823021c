import { EstimatorInputError } from '../errors';
import { denseMatrix, type DenseMatrix, type EstimatorInput, type SparseMatrix } from '../matrix';

/** Numeric input: a dense or CSR matrix (text must first go through a vectorizer). */
export type NumericInput = DenseMatrix | SparseMatrix;

/**
 * What sklearn's `check_array(force_all_finite=...)` lets through: "all" finite values (the default
 * for models), "allow-nan" (scalers, encoders, the NaN imputer: NaN yes, infinity no), or "none".
 */
export type FiniteCheck = 'all' | 'allow-nan' | 'none';

/**
 * Narrows an estimator input to numbers and refuses NaN/infinity where sklearn's `check_array` does,
 * so a model never answers for an input Python would have rejected.
 * @throws EstimatorInputError when given strings (a text model needs a vectorizer first in its
 *   Pipeline), or non-finite values the estimator does not accept
 */
export function numericInput(X: EstimatorInput, who: string, finite: FiniteCheck = 'all'): NumericInput {
  if (Array.isArray(X)) {
    throw new EstimatorInputError(`${who} takes rows of numbers, not strings; put a text vectorizer before it in a Pipeline.`);
  }
  const input = X as NumericInput;
  if (finite !== 'none') {
    for (let i = 0; i < input.data.length; i++) {
      const v = input.data[i];
      if (Number.isFinite(v) || (Number.isNaN(v) && finite === 'allow-nan')) continue;
      const row = input.kind === 'dense' ? Math.floor(i / input.cols) : input.indptr.findIndex((end) => end > i) - 1;
      const what = Number.isNaN(v) ? 'NaN' : 'infinity';
      throw new EstimatorInputError(
        `${who}: row ${row} contains ${what}, which scikit-learn also refuses here ("Input X contains ${what}"). ` +
          (Number.isNaN(v) ? 'Impute missing values first (e.g. a SimpleImputer step in the Pipeline) or send numbers.' : 'Send finite numbers.'),
      );
    }
  }
  return input;
}

/** A dense copy of numeric input (CSR rows expanded; duplicates summed like scipy's toarray). */
export function toDense(X: NumericInput): DenseMatrix {
  if (X.kind === 'dense') return X;
  const out = denseMatrix(X.rows, X.cols);
  for (let r = 0; r < X.rows; r++) {
    for (let k = X.indptr[r]; k < X.indptr[r + 1]; k++) out.data[r * X.cols + X.indices[k]] += X.data[k];
  }
  return out;
}

/**
 * `X @ W.T + b` for `W` of shape (nOut, nFeatures) in C order, as sklearn's `safe_sparse_dot` does.
 * Dense rows accumulate feature by feature in column order (BLAS may block differently: see
 * docs/sklearn-more.md on summation order); CSR rows accumulate over stored entries in index order,
 * exactly like scipy's `csr_matvecs`.
 */
export function affine(X: NumericInput, W: Float64Array, nOut: number, b: Float64Array | number): DenseMatrix {
  const nFeatures = X.cols;
  if (W.length !== nOut * nFeatures) throw new RangeError(`weights hold ${W.length} values, expected ${nOut}x${nFeatures}`);
  const out = denseMatrix(X.rows, nOut);
  for (let r = 0; r < X.rows; r++) {
    for (let o = 0; o < nOut; o++) {
      let sum = 0;
      const w = o * nFeatures;
      if (X.kind === 'dense') {
        const x = r * nFeatures;
        for (let c = 0; c < nFeatures; c++) sum += X.data[x + c] * W[w + c];
      } else {
        for (let k = X.indptr[r]; k < X.indptr[r + 1]; k++) sum += X.data[k] * W[w + X.indices[k]];
      }
      out.data[r * nOut + o] = sum + (typeof b === 'number' ? b : b.length === 1 ? b[0] : b[o]);
    }
  }
  return out;
}

/** Column `c` of a dense matrix as a new array (sklearn's `.ravel()` of an (n, 1) result). */
export function column(matrix: DenseMatrix, c: number): Float64Array {
  const out = new Float64Array(matrix.rows);
  for (let r = 0; r < matrix.rows; r++) out[r] = matrix.data[r * matrix.cols + c];
  return out;
}

/** Index of the first maximum of each row (numpy `argmax(axis=1)`: first wins on ties, NaN wins). */
export function argmaxRows(matrix: DenseMatrix): Int32Array {
  const out = new Int32Array(matrix.rows);
  for (let r = 0; r < matrix.rows; r++) {
    let best = 0;
    let bestValue = matrix.data[r * matrix.cols];
    for (let c = 1; c < matrix.cols && !Number.isNaN(bestValue); c++) {
      const v = matrix.data[r * matrix.cols + c];
      if (v > bestValue || Number.isNaN(v)) {
        best = c;
        bestValue = v;
      }
    }
    out[r] = best;
  }
  return out;
}
