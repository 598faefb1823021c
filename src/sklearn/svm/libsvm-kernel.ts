/**
 * libsvm's kernel functions as sklearn's bundled svm.cpp evaluates them at prediction time
 * (`Kernel::k_function`, dense `svm` and sparse `svm_csr` builds, sklearn 1.2.1).
 */
import type { SparseMatrix } from '../matrix';
import type { NumericInput } from '../linear/numeric-input';

/** libsvm's kernel parameters as sklearn stores them (`kernel`, `degree`, `_gamma`, `coef0`). */
export interface KernelParams {
  readonly kernel: 'linear' | 'poly' | 'rbf' | 'sigmoid';
  readonly degree: number;
  readonly gamma: number;
  readonly coef0: number;
}

/** libsvm's `powi`: exponentiation by squaring, as svm.cpp computes it (not `Math.pow`). */
function powi(base: number, times: number): number {
  let tmp = base;
  let ret = 1.0;
  for (let t = times; t > 0; t = Math.trunc(t / 2)) {
    if (t % 2 === 1) ret *= tmp;
    tmp = tmp * tmp;
  }
  return ret;
}

/**
 * The kernel values `K(x, sv_i)` for one input row, as libsvm's `Kernel::k_function` in sklearn's
 * svm.cpp (sklearn/svm/src/libsvm/svm.cpp, 1.2.1): sequential dot products, and for rbf the squared
 * distance summed term by term (not `|x|² + |y|² - 2x·y`). For CSR rows (the `svm_csr` build) both
 * walk the two index lists in step: matched entries multiply (or subtract), unmatched ones add their
 * square to the rbf sum, in index order.
 */
export function kernelRow(p: KernelParams, X: NumericInput, row: number, sv: Float64Array | SparseMatrix, out: Float64Array): void {
  for (let i = 0; i < out.length; i++) {
    let sum: number;
    if (X.kind === 'dense') {
      const d = X.cols;
      const x = row * d;
      const s = i * d;
      const dense = sv as Float64Array;
      sum = 0;
      if (p.kernel === 'rbf') {
        for (let c = 0; c < d; c++) {
          const diff = X.data[x + c] - dense[s + c];
          sum += diff * diff;
        }
      } else {
        for (let c = 0; c < d; c++) sum += X.data[x + c] * dense[s + c];
      }
    } else {
      sum = sparsePair(p.kernel === 'rbf', X, row, sv as SparseMatrix, i);
    }
    if (p.kernel === 'rbf') out[i] = Math.exp(-p.gamma * sum);
    else if (p.kernel === 'linear') out[i] = sum;
    else if (p.kernel === 'poly') out[i] = powi(p.gamma * sum + p.coef0, p.degree);
    else out[i] = Math.tanh(p.gamma * sum + p.coef0);
  }
}

/** svm_csr's dot product (or, for rbf, squared distance) of row `a` of X and row `b` of the SVs. */
function sparsePair(rbf: boolean, X: SparseMatrix, a: number, S: SparseMatrix, b: number): number {
  let i = X.indptr[a];
  const iEnd = X.indptr[a + 1];
  let j = S.indptr[b];
  const jEnd = S.indptr[b + 1];
  let sum = 0;
  while (i < iEnd && j < jEnd) {
    if (X.indices[i] === S.indices[j]) {
      if (rbf) {
        const d = X.data[i] - S.data[j];
        sum += d * d;
      } else {
        sum += X.data[i] * S.data[j];
      }
      i++;
      j++;
    } else if (X.indices[i] > S.indices[j]) {
      if (rbf) sum += S.data[j] * S.data[j];
      j++;
    } else {
      if (rbf) sum += X.data[i] * X.data[i];
      i++;
    }
  }
  if (rbf) {
    for (; i < iEnd; i++) sum += X.data[i] * X.data[i];
    for (; j < jEnd; j++) sum += S.data[j] * S.data[j];
  }
  return sum;
}
