import type { BuildContext, Estimator, Label } from '../base';
import type { PyValue } from '../../pickle/python-value';
import { UnsupportedEstimatorError } from '../errors';
import type { DenseMatrix, EstimatorInput } from '../matrix';
import { denseMatrix } from '../matrix';
import { numericInput } from '../linear/numeric-input';
import { StateReader } from '../state-reader';
import { checkNeighbours, kNeighbours, type Neighbours, type NeighborsState, readNeighborsState } from './brute-neighbors';
import { expectIndices } from '../linear/state-checks';

/** The pickled fields KNeighborsClassifier uses. */
export interface KNeighborsClassifierState extends NeighborsState {
  classes_: Label[];
  /** class index of each training row */
  _y: Float64Array;
  n_neighbors: number;
  weights: 'uniform' | 'distance';
}

/**
 * `distance` weights as sklearn's `_get_weights`: 1/d, except that a row with a zero distance
 * gives weight 1 to its zero-distance neighbours and 0 to the others.
 */
export function neighbourWeights(nb: Neighbours, rows: number, weights: 'uniform' | 'distance'): Float64Array {
  const w = new Float64Array(rows * nb.k).fill(1);
  if (weights === 'uniform') return w;
  for (let r = 0; r < rows; r++) {
    let exact = false;
    for (let j = 0; j < nb.k; j++) if (nb.distances[r * nb.k + j] === 0) exact = true;
    for (let j = 0; j < nb.k; j++) {
      const dist = nb.distances[r * nb.k + j];
      w[r * nb.k + j] = exact ? (dist === 0 ? 1 : 0) : 1 / dist;
    }
  }
  return w;
}

/** Reads `weights`, refusing callables (Python code). */
export function readWeights(reader: StateReader, context: BuildContext | undefined): 'uniform' | 'distance' {
  const w = reader.value('weights');
  if (w === null || w === 'uniform') return 'uniform';
  if (w === 'distance') return 'distance';
  throw new UnsupportedEstimatorError(reader.pythonClass, context?.sklearnVersion, 'a callable weights function is Python code; use "uniform" or "distance"');
}

/**
 * `sklearn.neighbors.KNeighborsClassifier` (neighbors/_classification.py, 1.2.1) by brute force over
 * `_fit_X`: `predict_proba` sums neighbour weights per class (nearest first) and normalises;
 * `predict` is the (weighted) mode, ties to the smallest class index as scipy's `mode`.
 */
export class KNeighborsClassifier implements Estimator {
  static readonly pythonNames: readonly string[] = ['sklearn.neighbors._classification.KNeighborsClassifier', 'sklearn.neighbors.classification.KNeighborsClassifier'];
  readonly nFeaturesIn: number;
  /** `classes_` */
  readonly classes: Label[];

  constructor(
    readonly pythonClass: string,
    private readonly state: KNeighborsClassifierState,
  ) {
    this.nFeaturesIn = state.n_features_in_;
    this.classes = state.classes_;
  }

  static fromState(state: Map<string, PyValue>, pythonClass: string, context?: BuildContext): KNeighborsClassifier {
    const r = new StateReader(state, pythonClass);
    if (r.value('outputs_2d_') === true) throw new UnsupportedEstimatorError(pythonClass, context?.sklearnVersion, 'multi-output classification is not supported');
    const s = {
      ...readNeighborsState(r, context),
      classes_: r.labels('classes_'),
      _y: r.float64('_y'),
      n_neighbors: r.number('n_neighbors'),
      weights: readWeights(r, context),
    };
    checkNeighbours(r, s, s.n_neighbors);
    expectIndices(r, '_y', s._y, s.classes_.length);
    return new KNeighborsClassifier(pythonClass, s);
  }

  private votes(X: EstimatorInput): DenseMatrix {
    const input = numericInput(X, 'KNeighborsClassifier');
    const nb = kNeighbours(this.state, input, this.state.n_neighbors);
    const w = neighbourWeights(nb, input.rows, this.state.weights);
    const k = this.state.classes_.length;
    const out = denseMatrix(input.rows, k);
    for (let r = 0; r < input.rows; r++) {
      for (let j = 0; j < nb.k; j++) out.data[r * k + this.state._y[nb.indices[r * nb.k + j]]] += w[r * nb.k + j];
    }
    return out;
  }

  predictProba(X: EstimatorInput): DenseMatrix {
    const out = this.votes(X);
    const k = out.cols;
    for (let r = 0; r < out.rows; r++) {
      let sum = 0;
      for (let c = 0; c < k; c++) sum += out.data[r * k + c];
      if (sum === 0) sum = 1;
      for (let c = 0; c < k; c++) out.data[r * k + c] /= sum;
    }
    return out;
  }

  predict(X: EstimatorInput): Label[] {
    const votes = this.votes(X);
    const out: Label[] = [];
    for (let r = 0; r < votes.rows; r++) {
      let best = 0;
      for (let c = 1; c < votes.cols; c++) if (votes.data[r * votes.cols + c] > votes.data[r * votes.cols + best]) best = c;
      out.push(this.state.classes_[best]);
    }
    return out;
  }
}
