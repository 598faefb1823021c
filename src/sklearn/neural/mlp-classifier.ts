import type { BuildContext, Estimator, Label } from '../base';
import type { PyValue } from '../../pickle/python-value';
import { UnsupportedEstimatorError } from '../errors';
import type { DenseMatrix, EstimatorInput } from '../matrix';
import { denseMatrix } from '../matrix';
import { argmaxRows, numericInput } from '../linear/numeric-input';
import { StateReader } from '../state-reader';
import { forwardPass, type MLPState, readMLPState } from './mlp';

/**
 * `sklearn.neural_network.MLPClassifier`: `predict_proba` is the forward pass (`[1 - p, p]` for one
 * logistic output); `predict` inverts the label binarizer — `p > 0.5` for two classes, else arg-max.
 * Multi-label models are refused.
 */
export class MLPClassifier implements Estimator {
  static readonly pythonNames: readonly string[] = ['sklearn.neural_network._multilayer_perceptron.MLPClassifier', 'sklearn.neural_network.multilayer_perceptron.MLPClassifier'];
  readonly nFeaturesIn: number;
  /** `classes_` */
  readonly classes: Label[];

  constructor(
    readonly pythonClass: string,
    private readonly state: MLPState & { shapes: number[]; classes_: Label[] },
  ) {
    this.nFeaturesIn = state.shapes[0];
    this.classes = state.classes_;
  }

  static fromState(state: Map<string, PyValue>, pythonClass: string, context?: BuildContext): MLPClassifier {
    const r = new StateReader(state, pythonClass);
    const binarizer = StateReader.of(r.value('_label_binarizer'), 'MLPClassifier._label_binarizer');
    const yType = binarizer.string('y_type_');
    if (yType !== 'binary' && yType !== 'multiclass') {
      throw new UnsupportedEstimatorError(pythonClass, context?.sklearnVersion, `targets of type "${yType}" (multi-label) are not supported`);
    }
    return new MLPClassifier(pythonClass, { ...readMLPState(r, context), classes_: r.labels('classes_') });
  }

  private forward(X: EstimatorInput): DenseMatrix {
    return forwardPass(this.state, this.state.shapes, numericInput(X, 'MLPClassifier'));
  }

  predictProba(X: EstimatorInput): DenseMatrix {
    const y = this.forward(X);
    if (y.cols !== 1) return y;
    const out = denseMatrix(y.rows, 2);
    for (let r = 0; r < y.rows; r++) {
      out.data[2 * r] = 1 - y.data[r];
      out.data[2 * r + 1] = y.data[r];
    }
    return out;
  }

  predict(X: EstimatorInput): Label[] {
    const y = this.forward(X);
    if (y.cols === 1) return Array.from(y.data, (p) => this.state.classes_[p > 0.5 ? 1 : 0]);
    return Array.from(argmaxRows(y), (i) => this.state.classes_[i]);
  }
}
