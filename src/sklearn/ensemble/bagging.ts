import type { PyValue } from '../../pickle/python-value';
import type { BuildContext, Estimator, Label } from '../base';
import { EstimatorStateError } from '../errors';
import { denseMatrix, rowsOf, type DenseMatrix, type EstimatorInput, type SparseMatrix } from '../matrix';
import { StateReader, shortName } from '../state-reader';
import { argmax } from '../tree/numpy-math';

/** The pickled `__dict__` attributes read here (scikit-learn 1.2.1 names). */
export interface BaggingState {
  estimators_: PyValue[];
  estimators_features_: PyValue[];
  classes_?: PyValue;
  n_features_in_: number;
}

interface Member {
  readonly estimator: Estimator;
  readonly features: Int32Array;
}

function readMembers(reader: StateReader, context: BuildContext, nFeaturesIn: number): Member[] {
  const estimators = reader.list('estimators_');
  const features = reader.list('estimators_features_');
  if (estimators.length === 0 || features.length !== estimators.length) {
    throw new EstimatorStateError(`${shortName(reader.pythonClass)}: ${estimators.length} estimators_ but ${features.length} estimators_features_`);
  }
  return estimators.map((value, i) => {
    const subset = Int32Array.from(new StateReader(new Map([['estimators_features_', features[i]]]), reader.pythonClass).float64('estimators_features_'));
    if (subset.some((f) => !(f >= 0 && f < nFeaturesIn))) throw reader.error('estimators_features_', `member ${i} selects a column outside 0..${nFeaturesIn - 1}`);
    return { estimator: context.build(value), features: subset };
  });
}

/** `X[:, features]`, dense or CSR (text input passes through: members then take text). */
function columns(X: EstimatorInput, features: Int32Array): EstimatorInput {
  if (Array.isArray(X)) return X;
  const matrix = X as DenseMatrix | SparseMatrix;
  const out = denseMatrix(matrix.rows, features.length);
  for (let r = 0; r < matrix.rows; r++) {
    if (matrix.kind === 'dense') {
      for (let j = 0; j < features.length; j++) out.data[r * features.length + j] = matrix.data[r * matrix.cols + features[j]];
    } else {
      const row = new Float64Array(matrix.cols);
      for (let k = matrix.indptr[r]; k < matrix.indptr[r + 1]; k++) row[matrix.indices[k]] += matrix.data[k];
      for (let j = 0; j < features.length; j++) out.data[r * features.length + j] = row[features[j]];
    }
  }
  return out;
}

/**
 * `BaggingClassifier` (1.2.1 `sklearn/ensemble/_bagging.py`): each member sees `X[:, estimators_features_[i]]`;
 * `predict_proba` adds the members' probabilities (into the columns of their own `classes_`, which
 * are encoded class indices) or, for members without `predict_proba`, one vote per predicted class,
 * then divides by the number of members; `predict` is `classes_[argmax(proba)]`. Members are any
 * supported estimator.
 */
export class BaggingClassifier implements Estimator {
  static readonly pythonNames = ['sklearn.ensemble._bagging.BaggingClassifier', 'sklearn.ensemble.bagging.BaggingClassifier'];

  get readsText(): boolean {
    return this.members.some((m) => m.estimator.readsText === true);
  }

  private constructor(
    readonly pythonClass: string,
    readonly nFeaturesIn: number,
    readonly classes: readonly Label[],
    private readonly members: readonly Member[],
  ) {}

  static fromState(state: Map<string, PyValue>, pythonClass: string, context: BuildContext): BaggingClassifier {
    const reader = new StateReader(state, pythonClass);
    const nFeaturesIn = reader.number('n_features_in_');
    return new BaggingClassifier(pythonClass, nFeaturesIn, reader.labels('classes_'), readMembers(reader, context, nFeaturesIn));
  }

  predictProba(X: EstimatorInput): DenseMatrix {
    const n = rowsOf(X);
    const K = this.classes.length;
    const proba = denseMatrix(n, K);
    for (const { estimator, features } of this.members) {
      const Xs = columns(X, features);
      const memberClasses = ((estimator as { classes?: readonly Label[] }).classes ?? []).map(Number);
      if (estimator.predictProba !== undefined) {
        const p = estimator.predictProba(Xs);
        for (let r = 0; r < n; r++) {
          for (let j = 0; j < p.cols; j++) proba.data[r * K + (p.cols === K ? j : memberClasses[j])] += p.data[r * p.cols + j];
        }
      } else if (estimator.predict !== undefined) {
        const predicted = estimator.predict(Xs) as ArrayLike<Label>;
        for (let r = 0; r < n; r++) proba.data[r * K + Number(predicted[r])] += 1;
      } else {
        throw new EstimatorStateError(`BaggingClassifier member ${estimator.pythonClass} has neither predict_proba nor predict`);
      }
    }
    for (let i = 0; i < proba.data.length; i++) proba.data[i] /= this.members.length;
    return proba;
  }

  predict(X: EstimatorInput): Label[] {
    const proba = this.predictProba(X);
    return Array.from({ length: proba.rows }, (_, r) => this.classes[argmax(proba.data, r * proba.cols, proba.cols)]);
  }
}

/** `BaggingRegressor`: `sum(member.predict(X[:, features])) / n_estimators`, members in order. */
export class BaggingRegressor implements Estimator {
  static readonly pythonNames = ['sklearn.ensemble._bagging.BaggingRegressor', 'sklearn.ensemble.bagging.BaggingRegressor'];

  get readsText(): boolean {
    return this.members.some((m) => m.estimator.readsText === true);
  }

  private constructor(
    readonly pythonClass: string,
    readonly nFeaturesIn: number,
    private readonly members: readonly Member[],
  ) {}

  static fromState(state: Map<string, PyValue>, pythonClass: string, context: BuildContext): BaggingRegressor {
    const reader = new StateReader(state, pythonClass);
    const nFeaturesIn = reader.number('n_features_in_');
    return new BaggingRegressor(pythonClass, nFeaturesIn, readMembers(reader, context, nFeaturesIn));
  }

  predict(X: EstimatorInput): Float64Array {
    const out = new Float64Array(rowsOf(X));
    for (const { estimator, features } of this.members) {
      if (estimator.predict === undefined) throw new EstimatorStateError(`BaggingRegressor member ${estimator.pythonClass} has no predict`);
      const y = estimator.predict(columns(X, features)) as ArrayLike<number>;
      for (let r = 0; r < out.length; r++) out[r] += Number(y[r]);
    }
    for (let r = 0; r < out.length; r++) out[r] /= this.members.length;
    return out;
  }
}
