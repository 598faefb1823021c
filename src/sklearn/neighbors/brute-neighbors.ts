import type { BuildContext } from '../base';
import { PyObject } from '../../pickle/python-value';
import { UnsupportedEstimatorError } from '../errors';
import type { SparseMatrix } from '../matrix';
import { type NumericInput, toDense } from '../linear/numeric-input';
import { StateReader } from '../state-reader';
import { csrFromDense } from '../text/sparse-rows';
import { argKmin } from './arg-kmin';

/** The pickled `NeighborsBase` fields a brute-force search needs. */
export interface NeighborsState {
  /** (n_samples_fit, n_features): dense, or CSR when fitted on sparse input (e.g. TF-IDF rows) */
  _fit_X: Float64Array | SparseMatrix;
  n_features_in_: number;
  /** "brute", "kd_tree" or "ball_tree": decides how euclidean distances are computed */
  _fit_method: string;
  /** Minkowski power: 1 manhattan, 2 euclidean, Infinity chebyshev, any p >= 1 */
  p: number;
}

/**
 * Reads `_fit_X` and the metric. Minkowski-family metrics only (`effective_metric_` euclidean,
 * manhattan, chebyshev, minkowski); others are refused.
 */
export function readNeighborsState(reader: StateReader, context: BuildContext | undefined): NeighborsState {
  const metric = reader.has('effective_metric_') ? reader.value('effective_metric_') : reader.value('metric');
  const params = reader.has('effective_metric_params_') ? reader.value('effective_metric_params_') : null;
  const paramP = params instanceof Map && params.has('p') ? Number(params.get('p')) : undefined;
  const p = new Map<unknown, number | undefined>([
    ['euclidean', 2],
    ['l2', 2],
    ['manhattan', 1],
    ['cityblock', 1],
    ['l1', 1],
    ['chebyshev', Infinity],
    ['infinity', Infinity],
    ['minkowski', paramP ?? reader.optionalNumber('p')],
  ]).get(metric);
  if (p === undefined || (params instanceof Map && params.get('w') !== undefined && params.get('w') !== null)) {
    throw new UnsupportedEstimatorError(reader.pythonClass, context?.sklearnVersion, `metric ${JSON.stringify(String(metric))} is not supported; use a Minkowski metric (euclidean, manhattan, chebyshev, minkowski with p)`);
  }
  const fitMethod = reader.has('_fit_method') ? reader.string('_fit_method') : 'brute';
  const raw = reader.value('_fit_X');
  if (raw instanceof PyObject) {
    const m = StateReader.of(raw, `${reader.pythonClass}._fit_X`);
    if (!m.pythonClass.includes('csr') || p !== 2) {
      throw new UnsupportedEstimatorError(reader.pythonClass, context?.sklearnVersion, `sparse training data (${m.pythonClass}) is supported with the euclidean metric only`);
    }
    const fit = reader.csrMatrix('_fit_X');
    return { _fit_X: fit, n_features_in_: fit.cols, p, _fit_method: fitMethod };
  }
  const fit = reader.array('_fit_X');
  if (fit.shape.length !== 2) throw reader.error('_fit_X', 'expected a 2-D array');
  return { _fit_X: fit.toFloat64(), n_features_in_: fit.shape[1], p, _fit_method: fitMethod };
}

/** Number of training rows. */
export function samplesOf(state: NeighborsState): number {
  return state._fit_X instanceof Float64Array ? state._fit_X.length / state.n_features_in_ : state._fit_X.rows;
}

/** `1 <= k <= n_samples_fit` and whole training rows, as sklearn checks before a query. */
export function checkNeighbours(reader: StateReader, state: NeighborsState, k: number): void {
  const n = samplesOf(state);
  if (!Number.isInteger(n)) throw reader.error('_fit_X', `does not hold whole rows of ${state.n_features_in_} features`);
  if (!Number.isInteger(k) || k < 1 || k > n) throw reader.error('n_neighbors', `is ${k}, but there are ${n} training rows`);
}

/** k nearest training rows of each query row: indices and distances, nearest first. */
export interface Neighbours {
  readonly k: number;
  readonly indices: Int32Array;
  readonly distances: Float64Array;
}

/**
 * k-nearest neighbours by brute force, computing distances the way the fitted sklearn model does:
 * - KD/ball trees (dense fits, the "auto" default): the reduced distance (sum of |d|^p feature by
 *   feature, `max |d|` for p = ∞), converted back (`sqrt`, `^(1/p)`) at the end;
 * - euclidean with `algorithm="brute"` or a sparse fit: sklearn's decomposition
 *   `max((-2 x·y + |x|²) + |y|², 0)`, then `sqrt` (ArgKmin / `euclidean_distances`); dot products of
 *   sparse rows run over matching indices in order, as scipy and ArgKmin's sparse kernel do.
 * Equal distances keep the lower training index first (a stable sort); sklearn's tree or heap order for
 * exact ties can differ, which only matters for duplicated training rows.
 */
export function kNeighbours(state: NeighborsState, X: NumericInput, k: number): Neighbours {
  const fit = state._fit_X;
  const decomposed = state.p === 2 && (!(fit instanceof Float64Array) || state._fit_method === 'brute');
  const n = fit instanceof Float64Array ? fit.length / state.n_features_in_ : fit.rows;
  const query: NumericInput = decomposed && !(fit instanceof Float64Array) ? (X.kind === 'csr' ? X : csrFromDense(X.rows, X.cols, X.data)) : decomposed ? X : toDense(X);
  const indices = new Int32Array(X.rows * k);
  const distances = new Float64Array(X.rows * k);
  const reduced = new Float64Array(n);
  const fitNorms = decomposed ? new Float64Array(n).map((_, i) => squaredNorm(fit, i, state.n_features_in_)) : null;
  // ArgKmin (brute force) picks "parallel_on_Y" unless the batch exceeds 4 * 256 * threads rows.
  const parallelOnY = X.rows <= 1024;
  for (let r = 0; r < X.rows; r++) {
    if (fitNorms !== null) {
      const q = asRows(query);
      const xx = squaredNorm(q, r, state.n_features_in_);
      // ArgKmin ranks by |x|² + (-2 x·y) + |y|² (in that order), unclipped; clipped at 0 before sqrt.
      for (let i = 0; i < n; i++) reduced[i] = xx + -2 * rowDot(q, r, fit, i, state.n_features_in_) + fitNorms[i];
    } else {
      const dense = query as { data: Float64Array };
      for (let i = 0; i < n; i++) reduced[i] = reducedDistance(dense.data, r * state.n_features_in_, fit as Float64Array, i * state.n_features_in_, state.n_features_in_, state.p);
    }
    if (state._fit_method === 'brute') {
      const best = argKmin(reduced, k, parallelOnY);
      for (let j = 0; j < k; j++) {
        indices[r * k + j] = best.indices[j];
        distances[r * k + j] = fromReduced(Math.max(best.values[j], 0), state.p);
      }
      continue;
    }
    const nearest = smallestK(reduced, k);
    for (let j = 0; j < k; j++) {
      indices[r * k + j] = nearest[j];
      distances[r * k + j] = fromReduced(Math.max(reduced[nearest[j]], 0), state.p);
    }
  }
  return { k, indices, distances };
}

/**
 * Indices of the k smallest values, ascending; equal values keep the lower index first. Insertion
 * into a k-long list: O(n) for the usual small k, instead of sorting all n training rows.
 */
function smallestK(values: Float64Array, k: number): Int32Array {
  const best = new Int32Array(k).fill(-1);
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (count === k && !(v < values[best[k - 1]])) continue;
    let at = count < k ? count++ : k - 1;
    while (at > 0 && v < values[best[at - 1]]) {
      best[at] = best[at - 1];
      at--;
    }
    best[at] = i;
  }
  return best;
}

type Rows = Float64Array | SparseMatrix;

const lookups = new WeakMap<SparseMatrix, Map<number, number>[]>();

/** column -> value of one CSR row, built once per matrix. */
function rowLookup(M: SparseMatrix, row: number): Map<number, number> {
  let rows = lookups.get(M);
  if (rows === undefined) {
    rows = [];
    lookups.set(M, rows);
  }
  let map = rows[row];
  if (map === undefined) {
    map = new Map();
    for (let t = M.indptr[row]; t < M.indptr[row + 1]; t++) map.set(M.indices[t], M.data[t]);
    rows[row] = map;
  }
  return map;
}

function asRows(X: NumericInput): Rows {
  return X.kind === 'csr' ? X : X.data;
}

/** Sum of squares of one row, over stored entries in order (sklearn's `_sqeuclidean_row_norms64`). */
function squaredNorm(A: Rows, a: number, d: number): number {
  let sum = 0;
  if (A instanceof Float64Array) for (let c = 0; c < d; c++) sum += A[a * d + c] * A[a * d + c];
  else for (let t = A.indptr[a]; t < A.indptr[a + 1]; t++) sum += A.data[t] * A.data[t];
  return sum;
}

/** Dot product of row a of A and row b of B (dense rows of width d, or CSR rows merged by index). */
function rowDot(A: Rows, a: number, B: Rows, b: number, d: number): number {
  let sum = 0;
  if (A instanceof Float64Array && B instanceof Float64Array) {
    for (let c = 0; c < d; c++) sum += A[a * d + c] * B[b * d + c];
    return sum;
  }
  if (A instanceof Float64Array || B instanceof Float64Array) {
    const dense = (A instanceof Float64Array ? A : B) as Float64Array;
    const sparse = (A instanceof Float64Array ? B : A) as SparseMatrix;
    const dr = A instanceof Float64Array ? a : b;
    const sr = A instanceof Float64Array ? b : a;
    for (let t = sparse.indptr[sr]; t < sparse.indptr[sr + 1]; t++) sum += sparse.data[t] * dense[dr * d + sparse.indices[t]];
    return sum;
  }
  // ArgKmin's sparse middle term: for each stored entry of the query row, in stored order, the
  // matching entry of the training row (CSR rows need not be sorted: TF-IDF output is not).
  const lookup = rowLookup(B, b);
  for (let i = A.indptr[a]; i < A.indptr[a + 1]; i++) {
    const v = lookup.get(A.indices[i]);
    if (v !== undefined) sum += A.data[i] * v;
  }
  return sum;
}

function reducedDistance(a: Float64Array, ao: number, b: Float64Array, bo: number, d: number, p: number): number {
  let s = 0;
  for (let c = 0; c < d; c++) {
    const diff = Math.abs(a[ao + c] - b[bo + c]);
    if (p === 2) s += diff * diff;
    else if (p === 1) s += diff;
    else if (p === Infinity) s = Math.max(s, diff);
    else s += diff ** p;
  }
  return s;
}

function fromReduced(s: number, p: number): number {
  if (p === 2) return Math.sqrt(s);
  if (p === 1 || p === Infinity) return s;
  return s ** (1 / p);
}
