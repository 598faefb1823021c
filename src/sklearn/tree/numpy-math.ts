/**
 * numpy's own summation and argmax orders, so sums of more than a few terms round exactly like
 * sklearn's. numpy 1.24 `numpy/core/src/umath/loops_utils.h.src` (`pairwise_sum`): under 8 terms a
 * plain left-to-right loop; up to 128 terms eight interleaved partial sums combined as
 * `((r0+r1)+(r2+r3))+((r4+r5)+(r6+r7))` then the remainder; beyond that, recursive halves (a multiple
 * of 8). `np.sum(a, axis=-1)` of a float array adds that to the identity 0.
 */
export function pairwiseSum(a: ArrayLike<number>, start: number, n: number, stride = 1): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res += a[start + i * stride];
    return res;
  }
  if (n <= 128) {
    const r = new Float64Array(8);
    for (let j = 0; j < 8; j++) r[j] = a[start + j * stride];
    let i = 8;
    for (; i < n - (n % 8); i += 8) {
      for (let j = 0; j < 8; j++) r[j] += a[start + (i + j) * stride];
    }
    let res = r[0] + r[1] + (r[2] + r[3]) + (r[4] + r[5] + (r[6] + r[7]));
    for (; i < n; i++) res += a[start + i * stride];
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwiseSum(a, start, n2, stride) + pairwiseSum(a, start + n2 * stride, n - n2, stride);
}

/** `np.sum(row)` of `n` contiguous values starting at `start`. */
export function numpySum(a: ArrayLike<number>, start: number, n: number): number {
  return 0 + pairwiseSum(a, start, n);
}

/** `np.argmax` of `n` values from `start`: the first maximum; a NaN wins as numpy's does. */
export function argmax(a: ArrayLike<number>, start: number, n: number): number {
  let best = 0;
  let bestValue = a[start];
  if (Number.isNaN(bestValue)) return 0;
  for (let i = 1; i < n; i++) {
    const v = a[start + i];
    if (Number.isNaN(v)) return i;
    if (v > bestValue) {
      best = i;
      bestValue = v;
    }
  }
  return best;
}
