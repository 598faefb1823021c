import type { BuildContext, Estimator, Label } from '../base';
import type { PyValue } from '../../pickle/python-value';
import { EstimatorMethodError } from '../errors';
import type { EstimatorInput } from '../matrix';
import { numericInput } from '../linear/numeric-input';
import { pairwiseSum } from '../linear/activations';
import { StateReader } from '../state-reader';
import { checkNeighbours, kNeighbours, type NeighborsState, readNeighborsState, samplesOf } from './brute-neighbors';
import { expectLength } from '../linear/state-checks';

/** The pickled fields LocalOutlierFactor(novelty=True) uses. */
export interface LocalOutlierFactorState extends NeighborsState {
  n_neighbors_: number;
  /** (n_samples_fit, n_neighbors_) */
  _distances_fit_X_: Float64Array;
  _lrd: Float64Array;
  offset_: number;
  novelty: boolean;
}

/**
 * `sklearn.neighbors.LocalOutlierFactor` with `novelty=True` (neighbors/_lof.py, 1.2.1):
 * `score_samples = -mean(_lrd[neighbours] / lrd(x))` where
 * `lrd(x) = 1 / (mean(max(dist, k-distance of the neighbour)) + 1e-10)`; `decision_function =
 * score_samples - offset_`; `predict` is -1 where that is < 0, else 1. Without novelty, sklearn has
 * no such methods for new data, so neither do we.
 */
export class LocalOutlierFactor implements Estimator {
  static readonly pythonNames: readonly string[] = ['sklearn.neighbors._lof.LocalOutlierFactor', 'sklearn.neighbors.lof.LocalOutlierFactor'];
  readonly nFeaturesIn: number;

  constructor(
    readonly pythonClass: string,
    private readonly state: LocalOutlierFactorState,
  ) {
    this.nFeaturesIn = state.n_features_in_;
    // sklearn's `available_if(novelty)`: the methods for new rows do not exist without novelty=True.
    if (!state.novelty) for (const method of ['scoreSamples', 'decisionFunction', 'predict']) Object.defineProperty(this, method, { value: undefined });
  }

  static fromState(state: Map<string, PyValue>, pythonClass: string, context?: BuildContext): LocalOutlierFactor {
    const r = new StateReader(state, pythonClass);
    const base = readNeighborsState(r, context);
    const k = r.number('n_neighbors_');
    checkNeighbours(r, base, k);
    const n = samplesOf(base);
    expectLength(r, '_distances_fit_X_', r.float64('_distances_fit_X_').length, n * k);
    expectLength(r, '_lrd', r.float64('_lrd').length, n);
    return new LocalOutlierFactor(pythonClass, {
      ...readNeighborsState(r, context),
      n_neighbors_: r.number('n_neighbors_'),
      _distances_fit_X_: r.float64('_distances_fit_X_'),
      _lrd: r.float64('_lrd'),
      offset_: r.number('offset_'),
      novelty: r.value('novelty') === true,
    });
  }

  scoreSamples(X: EstimatorInput): Float64Array {
    if (!this.state.novelty) {
      throw new EstimatorMethodError('LocalOutlierFactor scores new rows only when fitted with novelty=True (as in scikit-learn); refit with novelty=True.');
    }
    const input = numericInput(X, 'LocalOutlierFactor');
    const k = this.state.n_neighbors_;
    const nb = kNeighbours(this.state, input, k);
    const out = new Float64Array(input.rows);
    const tmp = new Float64Array(k);
    for (let r = 0; r < input.rows; r++) {
      for (let j = 0; j < k; j++) {
        const neighbour = nb.indices[r * k + j];
        const kDistance = this.state._distances_fit_X_[neighbour * k + (k - 1)];
        tmp[j] = Math.max(nb.distances[r * k + j], kDistance);
      }
      const lrd = 1.0 / (pairwiseSum(tmp, 0, k) / k + 1e-10);
      for (let j = 0; j < k; j++) tmp[j] = this.state._lrd[nb.indices[r * k + j]] / lrd;
      out[r] = -(pairwiseSum(tmp, 0, k) / k);
    }
    return out;
  }

  decisionFunction(X: EstimatorInput): Float64Array {
    return this.scoreSamples(X).map((v) => v - this.state.offset_);
  }

  predict(X: EstimatorInput): Label[] {
    return Array.from(this.decisionFunction(X), (v) => (v < 0 ? -1 : 1));
  }
}
