import { denseMatrix, type DenseMatrix } from '../matrix';
import { exp, log } from '../tree/libm';
import { numpySum } from '../tree/numpy-math';

/**
 * `scipy.special.expit` as scipy 1.10 computes it (`_logit.h`): `1 / (1 + exp(-x))`.
 * `exp` is correctly rounded (libm.ts), as glibc's is for all but ~0.1 % of inputs.
 */
export function expit(x: number): number {
  return 1 / (1 + exp(-x));
}

/**
 * GradientBoosting's multinomial `predict_proba` (1.2.1 `_gb_losses.py`): `exp(raw - logsumexp(raw))`
 * per row, with scipy 1.10's `logsumexp` (max shift, `log(sum(exp(a - max))) + max`) and
 * `np.nan_to_num` on the result.
 */
export function softmaxByLogSumExp(raw: Float64Array, K: number): DenseMatrix {
  const rows = raw.length / K;
  const out = denseMatrix(rows, K);
  const tmp = new Float64Array(K);
  for (let r = 0; r < rows; r++) {
    const at = r * K;
    let max = -Infinity;
    for (let k = 0; k < K; k++) max = Math.max(max, raw[at + k]);
    if (!Number.isFinite(max)) max = 0;
    for (let k = 0; k < K; k++) tmp[k] = exp(raw[at + k] - max);
    const lse = log(numpySum(tmp, 0, K)) + max;
    for (let k = 0; k < K; k++) out.data[at + k] = nanToNum(exp(raw[at + k] - lse));
  }
  return out;
}

/**
 * `sklearn.utils.extmath.softmax` (HistGradientBoosting's multiclass inverse link, 1.2.1):
 * subtract the row max, exponentiate, divide by the row sum.
 */
export function softmax(raw: Float64Array, K: number): DenseMatrix {
  const rows = raw.length / K;
  const out = denseMatrix(rows, K);
  for (let r = 0; r < rows; r++) {
    const at = r * K;
    let max = raw[at];
    for (let k = 1; k < K; k++) if (raw[at + k] > max || Number.isNaN(raw[at + k])) max = raw[at + k];
    for (let k = 0; k < K; k++) out.data[at + k] = exp(raw[at + k] - max);
    const sum = numpySum(out.data, at, K);
    for (let k = 0; k < K; k++) out.data[at + k] /= sum;
  }
  return out;
}

function nanToNum(x: number): number {
  if (Number.isNaN(x)) return 0;
  if (x === Infinity) return Number.MAX_VALUE;
  if (x === -Infinity) return -Number.MAX_VALUE;
  return x;
}
