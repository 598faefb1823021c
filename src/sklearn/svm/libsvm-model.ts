import { UnsupportedEstimatorError } from '../errors';
import type { DenseMatrix, SparseMatrix } from '../matrix';
import { type NumericInput, toDense } from '../linear/numeric-input';
import { csrFromDense } from '../text/sparse-rows';
import { StateReader } from '../state-reader';
import { type KernelParams, kernelRow } from './libsvm-kernel';

export type { KernelParams } from './libsvm-kernel';

/** The pickled `BaseLibSVM` fields every libsvm estimator evaluates with. */
export interface LibsvmState extends KernelParams {
  /** (n_SV, n_features), grouped by class: dense, or CSR when the model was fitted on sparse input */
  support_vectors_: Float64Array | SparseMatrix;
  /** number of support vectors */
  nSV: number;
  n_features_in_: number;
  /** `_dual_coef_` (never the sign-flipped public `dual_coef_`): (n_classes - 1, n_SV) */
  _dual_coef_: Float64Array;
  /** `_intercept_` = -rho per pair */
  _intercept_: Float64Array;
  /** `_n_support`: support vectors per class (classifiers) */
  _n_support: Float64Array;
}

/**
 * Reads the libsvm state; a model fitted on sparse input (`_sparse`, e.g. after a TfidfVectorizer)
 * keeps CSR support vectors and `_dual_coef_`. Refused: precomputed and callable kernels.
 */
export function readLibsvmState(reader: StateReader, sklearnVersion: string | undefined): LibsvmState {
  const kernel = reader.value('kernel');
  if (kernel !== 'linear' && kernel !== 'poly' && kernel !== 'rbf' && kernel !== 'sigmoid') {
    const what = typeof kernel === 'string' ? `kernel="${kernel}"` : 'a callable kernel (Python code)';
    throw new UnsupportedEstimatorError(reader.pythonClass, sklearnVersion, `${what} is not supported; use linear, poly, rbf or sigmoid`);
  }
  const sparse = reader.has('_sparse') && reader.value('_sparse') === true;
  const sv = sparse ? reader.csrMatrix('support_vectors_') : reader.float64('support_vectors_');
  // n_features_in_ exists from sklearn 0.24; older files: the support vectors' width
  const nFeatures = reader.optionalNumber('n_features_in_') ?? (sv instanceof Float64Array ? reader.array('support_vectors_').shape[1] : sv.cols);
  const nSV = sv instanceof Float64Array ? sv.length / nFeatures : sv.rows;
  // sklearn passes `_dual_coef_.data` to libsvm as the dense (n_classes - 1, n_SV) block
  const dual = sparse ? toDense(reader.csrMatrix('_dual_coef_')).data : reader.float64('_dual_coef_');
  return {
    kernel,
    degree: reader.number('degree'),
    gamma: reader.number('_gamma'),
    coef0: reader.number('coef0'),
    support_vectors_: sv,
    nSV,
    n_features_in_: nFeatures,
    _dual_coef_: dual,
    _intercept_: reader.float64('_intercept_'),
    // `_n_support` from sklearn 0.23; earlier files keep the counts in `n_support_`
    _n_support: reader.float64(reader.has('_n_support') ? '_n_support' : 'n_support_'),
  };
}

/**
 * The consistency checks sklearn itself makes before handing arrays to libsvm (the CVE-2020-28975
 * guard on `_n_support`, among others): a tampered file fails here with EstimatorStateError instead of
 * reading past its arrays.
 * @param nClasses the classifier's class count, or 0 for one-class/regression models
 */
export function checkLibsvmShapes(reader: StateReader, state: LibsvmState, nClasses: number): void {
  const { nSV, n_features_in_: d, support_vectors_: sv, _dual_coef_, _intercept_, _n_support } = state;
  const fail = (name: string, problem: string) => reader.error(name, problem);
  if (!Number.isInteger(nSV) || nSV < 0) throw fail('support_vectors_', `does not hold whole rows of ${d} features`);
  if (!(sv instanceof Float64Array) && sv.cols !== d) throw fail('support_vectors_', `has ${sv.cols} columns, expected ${d}`);
  if (nClasses === 0) {
    if (_dual_coef_.length !== nSV) throw fail('_dual_coef_', `holds ${_dual_coef_.length} values for ${nSV} support vectors`);
    if (_intercept_.length < 1) throw fail('_intercept_', 'is empty');
    return;
  }
  let total = 0;
  for (const n of _n_support) {
    if (!Number.isInteger(n) || n < 0) throw fail('_n_support', `holds ${n}, not a count`);
    total += n;
  }
  if (_n_support.length !== nClasses || total !== nSV) {
    throw fail('_n_support', `counts ${total} support vectors in ${_n_support.length} classes, but the model has ${nSV} and ${nClasses} classes (the file was altered)`);
  }
  const pairs = (nClasses * (nClasses - 1)) / 2;
  if (_dual_coef_.length !== (nClasses - 1) * nSV) throw fail('_dual_coef_', `holds ${_dual_coef_.length} values, expected ${(nClasses - 1) * nSV}`);
  if (_intercept_.length !== pairs) throw fail('_intercept_', `holds ${_intercept_.length} values, expected ${pairs}`);
}

/** Input as the model needs it: dense rows, or CSR (zeros dropped, as `sp.csr_matrix(X)`) for a sparse model. */
export function libsvmInput(state: LibsvmState, X: NumericInput): NumericInput {
  if (state.support_vectors_ instanceof Float64Array) return toDense(X);
  return X.kind === 'csr' ? sortedCsr(X) : csrFromDense(X.rows, X.cols, X.data);
}

/** `X.sort_indices()` (a copy when a row is out of order). */
function sortedCsr(X: SparseMatrix): SparseMatrix {
  let sorted = true;
  for (let r = 0; r < X.rows && sorted; r++) for (let k = X.indptr[r] + 1; k < X.indptr[r + 1]; k++) if (X.indices[k - 1] > X.indices[k]) sorted = false;
  if (sorted) return X;
  const indices = Int32Array.from(X.indices);
  const data = Float64Array.from(X.data);
  for (let r = 0; r < X.rows; r++) {
    const ks = Array.from({ length: X.indptr[r + 1] - X.indptr[r] }, (_, t) => X.indptr[r] + t).sort((p, q) => X.indices[p] - X.indices[q]);
    ks.forEach((k, t) => {
      indices[X.indptr[r] + t] = X.indices[k];
      data[X.indptr[r] + t] = X.data[k];
    });
  }
  return { ...X, indices, data };
}


/**
 * libsvm `predict_values` for classifiers: one decision value per class pair (i < j, in order),
 * `sum_k coef[j-1][k] K_k (class i SVs) + sum_k coef[i][k] K_k (class j SVs) - rho`, with
 * `rho = -_intercept_`. Returns (n_samples, n_pairs), libsvm's own sign (not sklearn's binary flip).
 */
export function pairwiseDecisionValues(state: LibsvmState, X: NumericInput): DenseMatrix {
  const nClasses = state._n_support.length;
  const nSV = state.nSV;
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
export function singleDecisionValues(state: LibsvmState, X: NumericInput): Float64Array {
  const nSV = state.nSV;
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
