import { UnsupportedEstimatorError } from '../errors';
import type { DenseMatrix } from '../matrix';
import { StateReader } from '../state-reader';

/** libsvm's kernel parameters as sklearn stores them (`kernel`, `degree`, `_gamma`, `coef0`). */
export interface KernelParams {
  readonly kernel: 'linear' | 'poly' | 'rbf' | 'sigmoid';
  readonly degree: number;
  readonly gamma: number;
  readonly coef0: number;
}

/** The pickled `BaseLibSVM` fields every libsvm estimator evaluates with. */
export interface LibsvmState extends KernelParams {
  /** (n_SV, n_features), grouped by class */
  support_vectors_: Float64Array;
  n_features_in_: number;
  /** `_dual_coef_` (never the sign-flipped public `dual_coef_`): (n_classes - 1, n_SV) */
  _dual_coef_: Float64Array;
  /** `_intercept_` = -rho per pair */
  _intercept_: Float64Array;
  /** `_n_support`: support vectors per class (classifiers) */
  _n_support: Float64Array;
}

/**
 * Reads the libsvm state. Refused: sparse-fitted models (`_sparse`), precomputed and callable kernels.
 */
export function readLibsvmState(reader: StateReader, sklearnVersion: string | undefined): LibsvmState {
  const kernel = reader.value('kernel');
  if (kernel !== 'linear' && kernel !== 'poly' && kernel !== 'rbf' && kernel !== 'sigmoid') {
    const what = typeof kernel === 'string' ? `kernel="${kernel}"` : 'a callable kernel (Python code)';
    throw new UnsupportedEstimatorError(reader.pythonClass, sklearnVersion, `${what} is not supported; use linear, poly, rbf or sigmoid`);
  }
  if (reader.has('_sparse') && reader.value('_sparse') === true) {
    throw new UnsupportedEstimatorError(reader.pythonClass, sklearnVersion, 'the model was fitted on sparse input (its support vectors are a sparse matrix); refit on dense input');
  }
  return {
    kernel,
    degree: reader.number('degree'),
    gamma: reader.number('_gamma'),
    coef0: reader.number('coef0'),
    support_vectors_: reader.float64('support_vectors_'),
    n_features_in_: reader.number('n_features_in_'),
    _dual_coef_: reader.float64('_dual_coef_'),
    _intercept_: reader.float64('_intercept_'),
    _n_support: reader.float64('_n_support'),
  };
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
 * dense svm.cpp (sklearn/svm/src/libsvm/svm.cpp, 1.2.1): sequential dot products, and for rbf the
 * squared distance summed term by term (not `|x|² + |y|² - 2x·y`).
 */
export function kernelRow(p: KernelParams, X: DenseMatrix, row: number, sv: Float64Array, out: Float64Array): void {
  const d = X.cols;
  const x = row * d;
  for (let i = 0; i < out.length; i++) {
    const s = i * d;
    let sum = 0;
    if (p.kernel === 'rbf') {
      for (let c = 0; c < d; c++) {
        const diff = X.data[x + c] - sv[s + c];
        sum += diff * diff;
      }
      out[i] = Math.exp(-p.gamma * sum);
      continue;
    }
    for (let c = 0; c < d; c++) sum += X.data[x + c] * sv[s + c];
    if (p.kernel === 'linear') out[i] = sum;
    else if (p.kernel === 'poly') out[i] = powi(p.gamma * sum + p.coef0, p.degree);
    else out[i] = Math.tanh(p.gamma * sum + p.coef0);
  }
}

/**
 * libsvm `predict_values` for classifiers: one decision value per class pair (i < j, in order),
 * `sum_k coef[j-1][k] K_k (class i SVs) + sum_k coef[i][k] K_k (class j SVs) - rho`, with
 * `rho = -_intercept_`. Returns (n_samples, n_pairs), libsvm's own sign (not sklearn's binary flip).
 */
export function pairwiseDecisionValues(state: LibsvmState, X: DenseMatrix): DenseMatrix {
  const nClasses = state._n_support.length;
  const nSV = state.support_vectors_.length / state.n_features_in_;
  const start = new Int32Array(nClasses);
  for (let i = 1; i < nClasses; i++) start[i] = start[i - 1] + state._n_support[i - 1];
  const nPairs = (nClasses * (nClasses - 1)) / 2;
  const out = new Float64Array(X.rows * nPairs);
  const k = new Float64Array(nSV);
  for (let r = 0; r < X.rows; r++) {
    kernelRow(state, X, r, state.support_vectors_, k);
    let p = 0;
    for (let i = 0; i < nClasses; i++) {
      for (let j = i + 1; j < nClasses; j++) {
        let sum = 0;
        const coef1 = (j - 1) * nSV;
        const coef2 = i * nSV;
        for (let t = 0; t < state._n_support[i]; t++) sum += state._dual_coef_[coef1 + start[i] + t] * k[start[i] + t];
        for (let t = 0; t < state._n_support[j]; t++) sum += state._dual_coef_[coef2 + start[j] + t] * k[start[j] + t];
        sum -= -state._intercept_[p];
        out[r * nPairs + p] = sum;
        p++;
      }
    }
  }
  return { kind: 'dense', rows: X.rows, cols: nPairs, data: out };
}

/**
 * libsvm `predict_values` for one-class and regression: `sum_k coef[k] K_k - rho`, one value per row.
 */
export function singleDecisionValues(state: LibsvmState, X: DenseMatrix): Float64Array {
  const nSV = state.support_vectors_.length / state.n_features_in_;
  const out = new Float64Array(X.rows);
  const k = new Float64Array(nSV);
  for (let r = 0; r < X.rows; r++) {
    kernelRow(state, X, r, state.support_vectors_, k);
    let sum = 0;
    for (let t = 0; t < nSV; t++) sum += state._dual_coef_[t] * k[t];
    sum -= -state._intercept_[0];
    out[r] = sum;
  }
  return out;
}
