import type { BuildContext, Estimator } from '../base';
import type { PyValue } from '../../pickle/python-value';
import type { DenseMatrix, EstimatorInput } from '../matrix';
import { denseMatrix } from '../matrix';
import { numericInput } from '../linear/numeric-input';
import { StateReader } from '../state-reader';
import { checkNeighbours, kNeighbours, type NeighborsState, readNeighborsState, samplesOf } from './brute-neighbors';
import { neighbourWeights, readWeights } from './k-neighbors-classifier';

/**
 * `sklearn.neighbors.KNeighborsRegressor`: the mean of the neighbours' targets (uniform), or
 * `sum(w * y) / sum(w)` (distance), per output; 1-D when `_y` is 1-D.
 */
export class KNeighborsRegressor implements Estimator {
  static readonly pythonNames: readonly string[] = ['sklearn.neighbors._regression.KNeighborsRegressor', 'sklearn.neighbors.regression.KNeighborsRegressor'];
  readonly nFeaturesIn: number;

  constructor(
    readonly pythonClass: string,
    private readonly state: NeighborsState & { _y: Float64Array; nOutputs: number; multiOutput: boolean; n_neighbors: number; weights: 'uniform' | 'distance' },
  ) {
    this.nFeaturesIn = state.n_features_in_;
  }

  static fromState(state: Map<string, PyValue>, pythonClass: string, context?: BuildContext): KNeighborsRegressor {
    const r = new StateReader(state, pythonClass);
    const y = r.array('_y');
    const base = readNeighborsState(r, context);
    checkNeighbours(r, base, r.number('n_neighbors'));
    if (y.shape[0] !== samplesOf(base)) throw r.error('_y', `has ${y.shape[0]} rows for ${samplesOf(base)} training rows`);
    return new KNeighborsRegressor(pythonClass, {
      ...readNeighborsState(r, context),
      _y: y.toFloat64(),
      multiOutput: y.shape.length === 2,
      nOutputs: y.shape.length === 2 ? y.shape[1] : 1,
      n_neighbors: r.number('n_neighbors'),
      weights: readWeights(r, context),
    });
  }

  predict(X: EstimatorInput): Float64Array | DenseMatrix {
    const input = numericInput(X, 'KNeighborsRegressor');
    const nb = kNeighbours(this.state, input, this.state.n_neighbors);
    const w = neighbourWeights(nb, input.rows, this.state.weights);
    const o = this.state.nOutputs;
    const out = denseMatrix(input.rows, o);
    for (let r = 0; r < input.rows; r++) {
      let denom = 0;
      for (let j = 0; j < nb.k; j++) denom += w[r * nb.k + j];
      for (let c = 0; c < o; c++) {
        let num = 0;
        for (let j = 0; j < nb.k; j++) {
          const y = this.state._y[nb.indices[r * nb.k + j] * o + c];
          num += this.state.weights === 'uniform' ? y : y * w[r * nb.k + j];
        }
        out.data[r * o + c] = this.state.weights === 'uniform' ? num / nb.k : num / denom;
      }
    }
    return this.state.multiOutput ? out : out.data;
  }
}
