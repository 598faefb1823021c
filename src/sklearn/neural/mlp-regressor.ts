import type { BuildContext, Estimator } from '../base';
import type { PyValue } from '../../pickle/python-value';
import type { DenseMatrix, EstimatorInput } from '../matrix';
import { column, numericInput } from '../linear/numeric-input';
import { StateReader } from '../state-reader';
import { forwardPass, type MLPState, readMLPState } from './mlp';

/** `sklearn.neural_network.MLPRegressor`: the forward pass, raveled when there is one output. */
export class MLPRegressor implements Estimator {
  static readonly pythonNames: readonly string[] = ['sklearn.neural_network._multilayer_perceptron.MLPRegressor', 'sklearn.neural_network.multilayer_perceptron.MLPRegressor'];
  readonly nFeaturesIn: number;

  constructor(
    readonly pythonClass: string,
    private readonly state: MLPState & { shapes: number[] },
  ) {
    this.nFeaturesIn = state.shapes[0];
  }

  static fromState(state: Map<string, PyValue>, pythonClass: string, context?: BuildContext): MLPRegressor {
    return new MLPRegressor(pythonClass, readMLPState(new StateReader(state, pythonClass), context));
  }

  predict(X: EstimatorInput): Float64Array | DenseMatrix {
    const y = forwardPass(this.state, this.state.shapes, numericInput(X, 'MLPRegressor'));
    return y.cols === 1 ? column(y, 0) : y;
  }
}
