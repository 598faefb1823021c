import type { BuildContext } from '../base';
import { UnsupportedEstimatorError } from '../errors';
import type { DenseMatrix } from '../matrix';
import type { StateReader } from '../state-reader';

/** The pickled `NeighborsBase` fields a brute-force search needs. */
export interface NeighborsState {
  /** (n_samples_fit, n_features) */
  _fit_X: Float64Array;
  n_features_in_: number;
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
  const fit = reader.array('_fit_X');
  if (fit.shape.length !== 2) throw reader.error('_fit_X', 'expected a dense 2-D array (sparse training data is not supported)');
  return { _fit_X: fit.toFloat64(), n_features_in_: fit.shape[1], p };
}

/** k nearest training rows of each query row: indices and distances, nearest first. */
export interface Neighbours {
  readonly k: number;
  readonly indices: Int32Array;
  readonly distances: Float64Array;
}

/**
 * Brute-force k-nearest neighbours with the reduced distance of sklearn's KD/Ball trees
 * (sum of |d|^p summed feature by feature, `max |d|` for p = ∞), converted back (`sqrt`, `^(1/p)`)
 * at the end. Equal distances keep the lower training index first (a stable sort); sklearn's tree
 * order for exact ties can differ, which only matters for duplicated training rows.
 */
export function kNeighbours(state: NeighborsState, X: DenseMatrix, k: number): Neighbours {
  const d = state.n_features_in_;
  const n = state._fit_X.length / d;
  const indices = new Int32Array(X.rows * k);
  const distances = new Float64Array(X.rows * k);
  const reduced = new Float64Array(n);
  const order = Array.from({ length: n }, (_, i) => i);
  for (let r = 0; r < X.rows; r++) {
    for (let i = 0; i < n; i++) reduced[i] = reducedDistance(X.data, r * d, state._fit_X, i * d, d, state.p);
    const sorted = order.slice().sort((a, b) => reduced[a] - reduced[b] || a - b);
    for (let j = 0; j < k; j++) {
      indices[r * k + j] = sorted[j];
      distances[r * k + j] = fromReduced(reduced[sorted[j]], state.p);
    }
  }
  return { k, indices, distances };
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
