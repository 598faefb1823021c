import type { PyValue } from '../../pickle/python-value';
import type { BuildContext, Estimator, Label } from '../base';
import { EstimatorStateError, UnsupportedEstimatorError } from '../errors';
import { binaryProba, denseMatrix, type DenseMatrix, type EstimatorInput } from '../matrix';
import { StateReader } from '../state-reader';
import { argmax } from '../tree/numpy-math';
import { HistPredictors, type Float64Rows } from './hist-predictors';
import { readHistInput } from './hist-preprocessor';
import { expit, softmax } from './links';

/** The pickled `__dict__` attributes read here (scikit-learn 1.2.1 names). */
export interface HistGradientBoostingClassifierState {
  _predictors: PyValue;
  _baseline_prediction: PyValue;
  _bin_mapper: PyValue;
  _preprocessor?: PyValue; // 1.4+ with categorical features: see hist-preprocessor.ts
  loss: string;
  classes_: PyValue;
  n_trees_per_iteration_: number;
  n_features_in_: number;
}

const LOG_LOSSES = new Set(['log_loss', 'auto', 'binary_crossentropy', 'categorical_crossentropy']);

/**
 * `HistGradientBoostingClassifier` (1.2.1): `decision_function` is the raw sum (baseline + predictors,
 * float64 input, NaN routed by `missing_go_to_left`); `predict_proba` is `expit` (binary:
 * `[1 - p, p]`) or sklearn's `softmax` (multiclass); `predict` is `classes_[argmax(proba)]`.
 * Files from 1.4+ with categorical features first go through their pickled `_preprocessor`
 * (hist-preprocessor.ts); fixtures from 1.2.1, 1.4.2 and 1.9.0 (test/fixtures/sklearn/<version>/hgb).
 */
export class HistGradientBoostingClassifier implements Estimator {
  static readonly pythonNames = [
    'sklearn.ensemble._hist_gradient_boosting.gradient_boosting.HistGradientBoostingClassifier',
  ];

  private constructor(
    readonly pythonClass: string,
    readonly nFeaturesIn: number,
    readonly classes: readonly Label[],
    private readonly K: number,
    private readonly baseline: Float64Array,
    private readonly predictors: HistPredictors,
    /** X as the trees read it (1.4+: through the pickled `_preprocessor`). */
    private readonly toRows: (X: EstimatorInput) => Float64Rows,
  ) {}

  static fromState(state: Map<string, PyValue>, pythonClass: string, context: BuildContext): HistGradientBoostingClassifier {
    const reader = new StateReader(state, pythonClass);
    const loss = reader.string('loss');
    if (!LOG_LOSSES.has(loss)) throw new UnsupportedEstimatorError(pythonClass, context.sklearnVersion, `loss "${loss}"`);
    const classes = reader.labels('classes_');
    const K = reader.number('n_trees_per_iteration_');
    if (K !== (classes.length > 2 ? classes.length : 1)) {
      throw new EstimatorStateError(`HistGradientBoostingClassifier: n_trees_per_iteration_=${K} does not fit ${classes.length} classes`);
    }
    const baseline = reader.float64('_baseline_prediction');
    if (baseline.length !== K) throw reader.error('_baseline_prediction', `expected ${K} values, got ${baseline.length}`);
    const nFeatures = reader.number('n_features_in_');
    const predictors = HistPredictors.read(reader, 'HistGradientBoostingClassifier', nFeatures);
    if (predictors.nTrees % K !== 0) throw reader.error('_predictors', `holds ${predictors.nTrees} trees, not a multiple of ${K}`);
    return new HistGradientBoostingClassifier(pythonClass, nFeatures, classes, K, baseline, predictors, readHistInput(reader, 'HistGradientBoostingClassifier', context, nFeatures));
  }

  private raw(X: EstimatorInput): Float64Array {
    const rows = this.toRows(X);
    const raw = new Float64Array(rows.rows * this.K);
    for (let r = 0; r < rows.rows; r++) for (let k = 0; k < this.K; k++) raw[r * this.K + k] = 0 + this.baseline[k];
    this.predictors.addTo(raw, rows, this.K);
    return raw;
  }

  decisionFunction(X: EstimatorInput): Float64Array | DenseMatrix {
    const raw = this.raw(X);
    return this.K === 1 ? raw : denseMatrix(raw.length / this.K, this.K, raw);
  }

  predictProba(X: EstimatorInput): DenseMatrix {
    const raw = this.raw(X);
    if (this.K > 1) return softmax(raw, this.K);
    return binaryProba(raw, expit);
  }

  predict(X: EstimatorInput): Label[] {
    const proba = this.predictProba(X);
    return Array.from({ length: proba.rows }, (_, r) => this.classes[argmax(proba.data, r * proba.cols, proba.cols)]);
  }
}
