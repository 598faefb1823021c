import type { Estimator, Label } from '../base';
import type { PyValue } from '../../pickle/python-value';
import type { EstimatorInput } from '../matrix';
import { StateReader } from '../state-reader';
import { affine, numericInput } from './numeric-input';
import { expectLength } from './state-checks';

/**
 * `sklearn.linear_model.SGDOneClassSVM` (linear_model/_stochastic_gradient.py, 1.2.1):
 * `decision_function = X @ coef_ - offset_`, `score_samples = decision_function + offset_` (two
 * roundings, as in Python), `predict` is 1 where the decision is >= 0, else -1. Dense or CSR rows.
 */
export class SGDOneClassSVM implements Estimator {
  static readonly pythonNames: readonly string[] = ['sklearn.linear_model._stochastic_gradient.SGDOneClassSVM'];
  readonly nFeaturesIn: number;

  constructor(
    readonly pythonClass: string,
    private readonly state: { coef_: Float64Array; offset_: number },
  ) {
    this.nFeaturesIn = state.coef_.length;
  }

  static fromState(state: Map<string, PyValue>, pythonClass: string): SGDOneClassSVM {
    const r = new StateReader(state, pythonClass);
    const offset = r.float64('offset_');
    expectLength(r, 'offset_', offset.length, 1);
    return new SGDOneClassSVM(pythonClass, { coef_: r.float64('coef_'), offset_: offset[0] });
  }

  decisionFunction(X: EstimatorInput): Float64Array {
    const dot = affine(numericInput(X, 'SGDOneClassSVM'), this.state.coef_, 1, 0);
    return dot.data.map((v) => v - this.state.offset_);
  }

  scoreSamples(X: EstimatorInput): Float64Array {
    return this.decisionFunction(X).map((v) => v + this.state.offset_);
  }

  predict(X: EstimatorInput): Label[] {
    return Array.from(this.decisionFunction(X), (v) => (v >= 0 ? 1 : -1));
  }
}
