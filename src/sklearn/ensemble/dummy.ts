import type { PyValue } from '../../pickle/python-value';
import type { BuildContext, Estimator, Label } from '../base';
import { EstimatorMethodError, UnsupportedEstimatorError } from '../errors';
import { denseMatrix, rowsOf, type DenseMatrix, type EstimatorInput } from '../matrix';
import { StateReader } from '../state-reader';
import { argmax } from '../tree/numpy-math';

/** The pickled `__dict__` attributes read here (scikit-learn 1.2.1 names). */
export interface DummyClassifierState {
  _strategy: string;
  classes_: PyValue;
  class_prior_: PyValue;
  constant: PyValue;
  n_outputs_: number;
}

/**
 * `DummyClassifier` -- mostly met as GradientBoosting's default `init_` (strategy `prior`). Follows
 * 1.2.1 `sklearn/dummy.py`: `prior` and `most_frequent` predict `classes_[argmax(class_prior_)]`;
 * `predict_proba` is the prior (`prior`), one-hot (`most_frequent`, `constant`) or `1/n_classes`
 * (`uniform`). The random strategies' `predict` cannot be reproduced and is refused.
 */
export class DummyClassifier implements Estimator {
  static readonly pythonNames = ['sklearn.dummy.DummyClassifier'];

  private constructor(
    readonly pythonClass: string,
    readonly nFeaturesIn: number | undefined,
    readonly strategy: string,
    readonly classes: readonly Label[],
    readonly classPrior: Float64Array,
    private readonly constantIndex: number,
  ) {}

  static fromState(state: Map<string, PyValue>, pythonClass: string, context: BuildContext): DummyClassifier {
    const reader = new StateReader(state, pythonClass);
    if ((reader.optionalNumber('n_outputs_') ?? 1) !== 1) throw new UnsupportedEstimatorError(pythonClass, context.sklearnVersion, 'multi-output');
    const strategy = reader.has('_strategy') ? reader.string('_strategy') : reader.string('strategy');
    if (!['prior', 'most_frequent', 'uniform', 'constant', 'stratified'].includes(strategy)) {
      throw new UnsupportedEstimatorError(pythonClass, context.sklearnVersion, `strategy "${strategy}"`);
    }
    const classes = reader.labels('classes_');
    let constantIndex = -1;
    if (strategy === 'constant') {
      const constant = new StateReader(new Map([['constant', normaliseConstant(reader.value('constant'))]]), pythonClass).labels('constant')[0];
      constantIndex = classes.findIndex((label) => label === constant);
    }
    return new DummyClassifier(pythonClass, reader.optionalNumber('n_features_in_'), strategy, classes, reader.float64('class_prior_'), constantIndex);
  }

  predictProba(X: EstimatorInput): DenseMatrix {
    const n = rowsOf(X);
    const k = this.classes.length;
    const out = denseMatrix(n, k);
    let row: Float64Array;
    if (this.strategy === 'prior') row = this.classPrior;
    else if (this.strategy === 'uniform') row = new Float64Array(k).fill(1 / k);
    else if (this.strategy === 'stratified') throw this.random('predict_proba');
    else {
      row = new Float64Array(k);
      const hot = this.strategy === 'constant' ? this.constantIndex : argmax(this.classPrior, 0, k);
      if (hot >= 0) row[hot] = 1;
    }
    for (let r = 0; r < n; r++) out.data.set(row, r * k);
    return out;
  }

  predict(X: EstimatorInput): Label[] {
    if (this.strategy === 'uniform' || this.strategy === 'stratified') throw this.random('predict');
    const label = this.strategy === 'constant' ? this.classes[this.constantIndex] : this.classes[argmax(this.classPrior, 0, this.classes.length)];
    return new Array<Label>(rowsOf(X)).fill(label);
  }

  private random(method: string): EstimatorMethodError {
    return new EstimatorMethodError(`DummyClassifier(strategy="${this.strategy}").${method} draws random numbers; it cannot be reproduced.`);
  }
}

function normaliseConstant(value: PyValue): PyValue {
  return Array.isArray(value) ? value : [value];
}

/** The pickled `__dict__` attributes read here (scikit-learn 1.2.1 names). */
export interface DummyRegressorState {
  constant_: PyValue;
  n_outputs_: number;
}

/** `DummyRegressor`: predicts the fitted `constant_` (mean, median, quantile or constant strategy). */
export class DummyRegressor implements Estimator {
  static readonly pythonNames = ['sklearn.dummy.DummyRegressor'];

  private constructor(
    readonly pythonClass: string,
    readonly nFeaturesIn: number | undefined,
    readonly constant: number,
  ) {}

  static fromState(state: Map<string, PyValue>, pythonClass: string, context: BuildContext): DummyRegressor {
    const reader = new StateReader(state, pythonClass);
    const constant = reader.float64('constant_');
    if ((reader.optionalNumber('n_outputs_') ?? 1) !== 1 || constant.length !== 1) {
      throw new UnsupportedEstimatorError(pythonClass, context.sklearnVersion, 'multi-output');
    }
    return new DummyRegressor(pythonClass, reader.optionalNumber('n_features_in_'), constant[0]);
  }

  predict(X: EstimatorInput): Float64Array {
    return new Float64Array(rowsOf(X)).fill(this.constant);
  }
}
