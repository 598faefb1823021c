import type { PyValue } from '../../pickle/python-value';
import type { BuildContext, Estimator, Label } from '../base';
import { EstimatorStateError, UnsupportedEstimatorError } from '../errors';
import { denseMatrix, rowsOf, type DenseMatrix, type EstimatorInput } from '../matrix';
import { StateReader } from '../state-reader';
import { log } from '../tree/libm';
import { argmax, numpySum } from '../tree/numpy-math';
import { pickByVersion, stateVersion, type SinceVersion } from '../versions';
import { softmax } from './links';

interface AdaBoostRule extends SinceVersion {
  /** The `algorithm` values this version writes (null: the attribute is gone, SAMME is the only one). */
  readonly algorithms: ReadonlySet<string> | null;
  /**
   * SAMME's vote of a member for a class it did not predict: 0 up to 1.3, `-w / (K - 1)` from 1.4
   * (`_weight_boosting.py` `decision_function`, `np.where(pred == classes, w, -1 / (n_classes - 1) * w)`).
   */
  readonly sammeWrongVote: 'zero' | 'negative-share';
}

/** What changed in `AdaBoostClassifier` between versions (sources: `_weight_boosting.py` at 1.2.1, 1.4.2, 1.9.0). */
const ADABOOST_RULES: readonly AdaBoostRule[] = [
  { since: '0', algorithms: new Set(['SAMME', 'SAMME.R']), sammeWrongVote: 'zero' },
  { since: '1.4', algorithms: new Set(['SAMME', 'SAMME.R']), sammeWrongVote: 'negative-share' },
  // 1.6 removed SAMME.R and deprecated the parameter ("deprecated" means SAMME); 1.8 removed it
  { since: '1.6', algorithms: new Set(['SAMME', 'deprecated']), sammeWrongVote: 'negative-share' },
  { since: '1.8', algorithms: null, sammeWrongVote: 'negative-share' },
];

/** The pickled `__dict__` attributes read here (scikit-learn 1.2.1 names). */
export interface AdaBoostState {
  estimators_: PyValue[];
  estimator_weights_: PyValue;
  algorithm?: string;
  classes_?: PyValue;
  n_features_in_: number;
}

function readMembers(reader: StateReader, context: BuildContext): Estimator[] {
  const members = reader.list('estimators_').map((value) => context.build(value));
  if (members.length === 0) throw reader.error('estimators_', 'is empty: the file holds an unfitted estimator');
  return members;
}

/**
 * `AdaBoostClassifier` (1.2.1 `sklearn/ensemble/_weight_boosting.py`). `decision_function`: SAMME.R
 * sums each member's `(K-1) * (log p - mean(log p))` (p clipped at float64 eps), SAMME sums
 * `weight * (predict == class)`; both divide by the sum of `estimator_weights_`; with two classes it
 * is `-f0 + f1`. `predict_proba` is the softmax of `f / (K-1)` (`[-f, f] / 2` for two classes);
 * `predict` takes `f > 0` (two classes) or `argmax f`. From 1.4 a SAMME member also votes
 * `-w / (K-1)` for the classes it did not predict; `algorithm` is gone from 1.8 files (SAMME):
 * {@link ADABOOST_RULES}.
 */
export class AdaBoostClassifier implements Estimator {
  static readonly pythonNames = ['sklearn.ensemble._weight_boosting.AdaBoostClassifier', 'sklearn.ensemble.weight_boosting.AdaBoostClassifier'];

  get readsText(): boolean {
    return this.members.some((m) => m.readsText === true);
  }

  private constructor(
    readonly pythonClass: string,
    readonly nFeaturesIn: number,
    readonly classes: readonly Label[],
    private readonly real: boolean,
    private readonly members: readonly Estimator[],
    private readonly weights: Float64Array,
    private readonly rule: AdaBoostRule,
  ) {}

  static fromState(state: Map<string, PyValue>, pythonClass: string, context: BuildContext): AdaBoostClassifier {
    const reader = new StateReader(state, pythonClass);
    const version = stateVersion(state, context.sklearnVersion);
    const rule = pickByVersion(ADABOOST_RULES, version);
    const algorithm = rule.algorithms === null ? 'SAMME' : reader.has('algorithm') ? reader.string('algorithm') : undefined;
    if (rule.algorithms !== null && (algorithm === undefined || !rule.algorithms.has(algorithm))) {
      const found = algorithm === undefined ? 'is missing' : `is ${JSON.stringify(algorithm)}`;
      throw new UnsupportedEstimatorError(
        pythonClass,
        version,
        `its attribute algorithm ${found}, which scikit-learn ${version ?? '(unknown version)'} does not write (expected one of ${[...rule.algorithms].join(', ')})`,
      );
    }
    const classes = reader.labels('classes_');
    if (classes.length < 2) throw new UnsupportedEstimatorError(pythonClass, context.sklearnVersion, 'a single class');
    const weights = reader.float64('estimator_weights_');
    const members = readMembers(reader, context);
    if (weights.length < members.length) throw reader.error('estimator_weights_', `has ${weights.length} weights for ${members.length} estimators`);
    return new AdaBoostClassifier(pythonClass, reader.number('n_features_in_'), classes, algorithm === 'SAMME.R', members, weights, rule);
  }

  /** The un-collapsed (n, K) sum, divided by the weight total. */
  private scores(X: EstimatorInput): DenseMatrix {
    const n = rowsOf(X);
    const K = this.classes.length;
    const pred = denseMatrix(n, K);
    const term = new Float64Array(K);
    this.members.forEach((member, m) => {
      if (this.real) {
        if (member.predictProba === undefined) throw new EstimatorStateError(`AdaBoostClassifier (SAMME.R) member ${member.pythonClass} has no predict_proba`);
        const proba = member.predictProba(X);
        for (let r = 0; r < n; r++) {
          for (let k = 0; k < K; k++) term[k] = log(Math.max(proba.data[r * K + k], Number.EPSILON));
          const mean = (1.0 / K) * numpySum(term, 0, K);
          for (let k = 0; k < K; k++) pred.data[r * K + k] += (K - 1) * (term[k] - mean);
        }
      } else {
        if (member.predict === undefined) throw new EstimatorStateError(`AdaBoostClassifier member ${member.pythonClass} has no predict`);
        const predicted = member.predict(X) as ArrayLike<Label>;
        const w = this.weights[m];
        const wrong = this.rule.sammeWrongVote === 'zero' ? 0 : (-1 / (K - 1)) * w;
        for (let r = 0; r < n; r++) {
          for (let k = 0; k < K; k++) pred.data[r * K + k] += predicted[r] === this.classes[k] ? w : wrong;
        }
      }
    });
    const total = numpySum(this.weights, 0, this.weights.length);
    for (let i = 0; i < pred.data.length; i++) pred.data[i] /= total;
    return pred;
  }

  decisionFunction(X: EstimatorInput): Float64Array | DenseMatrix {
    const pred = this.scores(X);
    if (pred.cols !== 2) return pred;
    return Float64Array.from({ length: pred.rows }, (_, r) => 0 + -pred.data[2 * r] + pred.data[2 * r + 1]);
  }

  predictProba(X: EstimatorInput): DenseMatrix {
    const decision = this.decisionFunction(X);
    const K = this.classes.length;
    if (decision instanceof Float64Array) {
      const raw = new Float64Array(2 * decision.length);
      for (let r = 0; r < decision.length; r++) {
        raw[2 * r] = -decision[r] / 2;
        raw[2 * r + 1] = decision[r] / 2;
      }
      return softmax(raw, 2);
    }
    const raw = Float64Array.from(decision.data, (v) => v / (K - 1));
    return softmax(raw, K);
  }

  predict(X: EstimatorInput): Label[] {
    const decision = this.decisionFunction(X);
    if (decision instanceof Float64Array) return Array.from(decision, (v) => this.classes[v > 0 ? 1 : 0]);
    return Array.from({ length: decision.rows }, (_, r) => this.classes[argmax(decision.data, r * decision.cols, decision.cols)]);
  }
}

/**
 * `AdaBoostRegressor`: the weighted median of the members' predictions -- members sorted by
 * prediction, the first whose cumulative weight reaches half the total (1.2.1 `_get_median_predict`).
 */
export class AdaBoostRegressor implements Estimator {
  static readonly pythonNames = ['sklearn.ensemble._weight_boosting.AdaBoostRegressor', 'sklearn.ensemble.weight_boosting.AdaBoostRegressor'];

  get readsText(): boolean {
    return this.members.some((m) => m.readsText === true);
  }

  private constructor(
    readonly pythonClass: string,
    readonly nFeaturesIn: number,
    private readonly members: readonly Estimator[],
    private readonly weights: Float64Array,
  ) {}

  static fromState(state: Map<string, PyValue>, pythonClass: string, context: BuildContext): AdaBoostRegressor {
    const reader = new StateReader(state, pythonClass);
    const weights = reader.float64('estimator_weights_');
    const members = readMembers(reader, context);
    if (weights.length < members.length) throw reader.error('estimator_weights_', `has ${weights.length} weights for ${members.length} estimators`);
    return new AdaBoostRegressor(pythonClass, reader.number('n_features_in_'), members, weights);
  }

  predict(X: EstimatorInput): Float64Array {
    const n = rowsOf(X);
    const predictions = this.members.map((member) => {
      if (member.predict === undefined) throw new EstimatorStateError(`AdaBoostRegressor member ${member.pythonClass} has no predict`);
      return member.predict(X) as ArrayLike<number>;
    });
    const out = new Float64Array(n);
    const order = this.members.map((_, m) => m);
    const cdf = new Float64Array(this.members.length);
    for (let r = 0; r < n; r++) {
      // Ties hold equal predictions, so their order cannot change the value picked.
      order.sort((a, b) => predictions[a][r] - predictions[b][r]);
      let sum = 0;
      order.forEach((m, i) => (cdf[i] = sum += this.weights[m]));
      const half = 0.5 * cdf[order.length - 1];
      const at = cdf.findIndex((c) => c >= half);
      out[r] = predictions[order[at < 0 ? 0 : at]][r];
    }
    return out;
  }
}
