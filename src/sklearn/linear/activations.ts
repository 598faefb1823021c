import type { DenseMatrix } from '../matrix';

/** The logistic sigmoid as scipy.special.expit computes it for float64: `1 / (1 + exp(-x))`. */
export function expit(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/**
 * Row-wise softmax in place, as `sklearn.utils.extmath.softmax` (1.2.1): subtract the row max,
 * exponentiate, divide by the row sum (summed left to right; numpy's pairwise sum only differs
 * from that beyond 8 columns).
 */
export function softmaxRows(matrix: DenseMatrix): DenseMatrix {
  const { rows, cols, data } = matrix;
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let max = -Infinity;
    for (let c = 0; c < cols; c++) if (data[o + c] > max) max = data[o + c];
    let sum = 0;
    for (let c = 0; c < cols; c++) {
      data[o + c] = Math.exp(data[o + c] - max);
    }
    sum = pairwiseSum(data, o, cols);
    for (let c = 0; c < cols; c++) data[o + c] /= sum;
  }
  return matrix;
}

/**
 * numpy's pairwise summation of `n` contiguous float64 values (`pairwise_sum_DOUBLE` in
 * numpy/core/src/umath/loops_utils.h.src, numpy 1.24): a plain loop below 8 values, 8 running
 * partial sums up to 128, and recursive halving above. Matching it keeps sums bit-identical.
 */
export function pairwiseSum(a: ArrayLike<number>, offset: number, n: number, stride = 1): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res += a[offset + i * stride];
    return res;
  }
  if (n <= 128) {
    const r = new Float64Array(8);
    for (let j = 0; j < 8; j++) r[j] = a[offset + j * stride];
    let i = 8;
    for (; i < n - (n % 8); i += 8) {
      for (let j = 0; j < 8; j++) r[j] += a[offset + (i + j) * stride];
    }
    let res = r[0] + r[1] + (r[2] + r[3]) + (r[4] + r[5] + (r[6] + r[7]));
    for (; i < n; i++) res += a[offset + i * stride];
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwiseSum(a, offset, n2, stride) + pairwiseSum(a, offset + n2 * stride, n - n2, stride);
}
