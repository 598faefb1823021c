import type { DenseMatrix, SparseMatrix } from '../matrix';
import { pairwiseSum } from '../linear/activations';

/** The `norm` values of sklearn.preprocessing.normalize. */
export type RowNorm = 'l1' | 'l2' | 'max';

/**
 * `sklearn.preprocessing.normalize` for CSR rows, in place (sklearn/preprocessing/_data.py and
 * utils/sparsefuncs_fast.pyx `inplace_csr_row_normalize_l1/l2`, 1.2.1): sums run over the stored
 * entries in order; all-zero rows are left alone.
 */
export function normalizeCsrRows(X: SparseMatrix, norm: RowNorm): SparseMatrix {
  for (let r = 0; r < X.rows; r++) {
    let s = 0;
    for (let k = X.indptr[r]; k < X.indptr[r + 1]; k++) {
      const v = X.data[k];
      if (norm === 'l1') s += Math.abs(v);
      else if (norm === 'l2') s += v * v;
      else s = Math.max(s, Math.abs(v));
    }
    if (s === 0) continue;
    if (norm === 'l2') s = Math.sqrt(s);
    for (let k = X.indptr[r]; k < X.indptr[r + 1]; k++) X.data[k] /= s;
  }
  return X;
}

/**
 * `normalize` for dense rows, in place: l2 uses `row_norms` (sqrt of the sum of squares), l1 the
 * pairwise sum of absolute values, max the largest absolute value; zero norms count as 1.
 */
export function normalizeDenseRows(X: DenseMatrix, norm: RowNorm): DenseMatrix {
  const tmp = new Float64Array(X.cols);
  for (let r = 0; r < X.rows; r++) {
    const o = r * X.cols;
    let s = 0;
    if (norm === 'max') {
      for (let c = 0; c < X.cols; c++) s = Math.max(s, Math.abs(X.data[o + c]));
    } else {
      for (let c = 0; c < X.cols; c++) tmp[c] = norm === 'l1' ? Math.abs(X.data[o + c]) : X.data[o + c] * X.data[o + c];
      s = norm === 'l1' ? pairwiseSum(tmp, 0, X.cols) : Math.sqrt(pairwiseSum(tmp, 0, X.cols));
    }
    if (s === 0) s = 1;
    for (let c = 0; c < X.cols; c++) X.data[o + c] /= s;
  }
  return X;
}
