import type { BuildContext, Estimator, Label } from '../base';
import type { PyValue } from '../../pickle/python-value';
import type { EstimatorInput } from '../matrix';
import { numericInput } from '../linear/numeric-input';
import { StateReader } from '../state-reader';
import { checkLibsvmShapes, libsvmInput, type LibsvmState, readLibsvmState, singleDecisionValues } from './libsvm-model';

/** OneClassSVM's state: libsvm's plus `offset_` (= -_intercept_). */
export interface OneClassSVMState extends LibsvmState {
  offset_: number;
}

/**
 * `sklearn.svm.OneClassSVM` (sklearn/svm/_classes.py, 1.2.1): `decision_function` is libsvm's
 * value, `score_samples = decision_function + offset_`, `predict` is +1 where the value is > 0, else -1.
 */
export class OneClassSVM implements Estimator {
  static readonly pythonNames: readonly string[] = ['sklearn.svm._classes.OneClassSVM', 'sklearn.svm.classes.OneClassSVM'];
  readonly nFeaturesIn: number;

  constructor(
    readonly pythonClass: string,
    private readonly state: OneClassSVMState,
  ) {
    this.nFeaturesIn = state.n_features_in_;
  }

  static fromState(state: Map<string, PyValue>, pythonClass: string, context?: BuildContext): OneClassSVM {
    const r = new StateReader(state, pythonClass);
    const offset = r.float64('offset_');
    const libsvm = readLibsvmState(r, context?.sklearnVersion);
    checkLibsvmShapes(r, libsvm, 0);
    return new OneClassSVM(pythonClass, { ...libsvm, offset_: offset[0] });
  }

  decisionFunction(X: EstimatorInput): Float64Array {
    return singleDecisionValues(this.state, libsvmInput(this.state, numericInput(X, 'OneClassSVM')));
  }

  scoreSamples(X: EstimatorInput): Float64Array {
    return this.decisionFunction(X).map((v) => v + this.state.offset_);
  }

  predict(X: EstimatorInput): Label[] {
    return Array.from(this.decisionFunction(X), (v) => (v > 0 ? 1 : -1));
  }
}
