import type { BuildContext, Estimator } from '../base';
import type { PyValue } from '../../pickle/python-value';
import type { EstimatorInput } from '../matrix';
import { numericInput } from '../linear/numeric-input';
import { StateReader } from '../state-reader';
import { checkLibsvmShapes, libsvmInput, type LibsvmState, readLibsvmState, singleDecisionValues } from './libsvm-model';

/** `sklearn.svm.SVR` and `NuSVR`: predict is libsvm's `sum_k coef_k K(x, sv_k) + _intercept_`. */
export class SVR implements Estimator {
  static readonly pythonNames: readonly string[] = ['sklearn.svm._classes.SVR', 'sklearn.svm._classes.NuSVR', 'sklearn.svm.classes.SVR', 'sklearn.svm.classes.NuSVR'];
  readonly nFeaturesIn: number;

  constructor(
    readonly pythonClass: string,
    private readonly state: LibsvmState,
  ) {
    this.nFeaturesIn = state.n_features_in_;
  }

  static fromState(state: Map<string, PyValue>, pythonClass: string, context?: BuildContext): SVR {
    const r = new StateReader(state, pythonClass);
    const libsvm = readLibsvmState(r, context?.sklearnVersion);
    checkLibsvmShapes(r, libsvm, 0);
    return new SVR(pythonClass, libsvm);
  }

  predict(X: EstimatorInput): Float64Array {
    return singleDecisionValues(this.state, libsvmInput(this.state, numericInput(X, 'SVR')));
  }
}
