import type { PyValue } from '../../pickle/python-value';
import type { BuildContext, Estimator, Label } from '../base';
import { EstimatorStateError, UnsupportedEstimatorError } from '../errors';
import { binaryProba, denseMatrix, type DenseMatrix, type EstimatorInput } from '../matrix';
import { StateReader, shortName } from '../state-reader';
import { toFloat32Rows, type Float32Rows } from '../tree/float32-input';
import { exp, log } from '../tree/libm';
import { argmax } from '../tree/numpy-math';
import { pickByVersion, stateVersion, type SinceVersion } from '../versions';
import { pairwiseSum } from '../linear/activations';
import { BoostingStages, asMatrix, clipProbability, readInit } from './boosting-stages';
import { expit, softmaxByLogSumExp } from './links';

/** The pickled `__dict__` attributes read here (scikit-learn 1.2.1 names). */
export interface GradientBoostingClassifierState {
  estimators_: PyValue;
  init_: PyValue;
  learning_rate: number;
  loss: string;
  classes_: PyValue;
  n_features_in_: number;
}

type LossKind = 'binomial' | 'multinomial' | 'exponential';

interface GradientBoostingRule extends SinceVersion {
  /**
   * The multinomial init's link on each row of clipped probabilities: `log(p)` (1.2-1.3
   * `_gb_losses.MultinomialDeviance.get_init_raw_predictions`) or, from 1.4, the symmetric
   * multinomial logit `log(p / gmean(p))` (`_loss/link.py` `SymmetricMultinomialLogit.link`,
   * through `_gb.py` `_init_raw_predictions`): centred, each row's raw values sum to ~0.
   */
  readonly multinomialInit: 'log' | 'centred-log';
  /**
   * Binary `predict`: `argmax(predict_proba)` (up to 1.3; a tie at p = 0.5 picks the first class)
   * or, from 1.4, `decision_function >= 0` (`_gb.py` `GradientBoostingClassifier.predict`).
   */
  readonly binaryPredict: 'argmax-proba' | 'raw-sign';
}

/** What changed in `GradientBoostingClassifier` between the versions, oldest first. */
const GRADIENT_BOOSTING_RULES: readonly GradientBoostingRule[] = [
  { since: '0', multinomialInit: 'log', binaryPredict: 'argmax-proba' },
  { since: '1.4', multinomialInit: 'centred-log', binaryPredict: 'raw-sign' },
];

/**
 * `GradientBoostingClassifier` (1.2.1 `sklearn/ensemble/_gb.py` and `_gb_losses.py`):
 * `decision_function` = init raw prediction + stages; the init is `'zero'`, or an estimator's
 * `predict_proba` clipped to [eps, 1-eps] through the loss's link -- `log(p/(1-p))` for `log_loss`
 * (binomial), `log(p)` per class (multinomial), `0.5*log(p/(1-p))` for `exponential`.
 * `predict_proba` is `expit(raw)` (binomial), `expit(2*raw)` (exponential) or
 * `exp(raw - logsumexp(raw))` (multinomial); `predict` is `classes_[argmax(proba)]`
 * (`raw >= 0` for exponential). What changed in 1.4 (the centred multinomial init, binary `predict`
 * by the sign of the raw value) is in {@link GRADIENT_BOOSTING_RULES}, picked by `_sklearn_version`.
 */
export class GradientBoostingClassifier implements Estimator {
  static readonly pythonNames = ['sklearn.ensemble._gb.GradientBoostingClassifier', 'sklearn.ensemble.gradient_boosting.GradientBoostingClassifier'];

  private constructor(
    readonly pythonClass: string,
    readonly nFeaturesIn: number,
    readonly classes: readonly Label[],
    readonly loss: LossKind,
    private readonly stages: BoostingStages,
    private readonly init: Estimator | 'zero',
    private readonly rule: GradientBoostingRule,
  ) {}

  static fromState(state: Map<string, PyValue>, pythonClass: string, context: BuildContext): GradientBoostingClassifier {
    const reader = new StateReader(state, pythonClass);
    const classes = reader.labels('classes_');
    const lossName = reader.string('loss');
    let loss: LossKind;
    if (lossName === 'exponential') loss = 'exponential';
    else if (lossName === 'log_loss' || lossName === 'deviance') loss = classes.length > 2 ? 'multinomial' : 'binomial';
    else throw new UnsupportedEstimatorError(pythonClass, context.sklearnVersion, `loss "${lossName}"`);
    const stages = BoostingStages.read(reader, 'GradientBoostingClassifier', context);
    const K = loss === 'multinomial' ? classes.length : 1;
    if (stages.K !== K) throw new EstimatorStateError(`GradientBoostingClassifier: estimators_ has ${stages.K} trees per stage, loss "${lossName}" with ${classes.length} classes needs ${K}`);
    const rule = pickByVersion(GRADIENT_BOOSTING_RULES, stateVersion(state, context.sklearnVersion));
    return new GradientBoostingClassifier(pythonClass, reader.optionalNumber('n_features_in_') ?? stages.nFeatures, classes, loss, stages, readInit(reader, context), rule);
  }

  /** Raw predictions, (n, K) row-major. */
  private raw(rows: Float32Rows): Float64Array {
    const K = this.stages.K;
    const raw = new Float64Array(rows.rows * K);
    if (this.init !== 'zero') {
      if (this.init.predictProba === undefined) throw new EstimatorStateError(`GradientBoostingClassifier.init_ (${this.init.pythonClass}) has no predict_proba`);
      const proba = this.init.predictProba(asMatrix(rows));
      const nClasses = proba.cols;
      for (let r = 0; r < rows.rows; r++) {
        if (this.loss === 'multinomial') {
          for (let k = 0; k < K; k++) raw[r * K + k] = log(clipProbability(proba.data[r * nClasses + k]));
          if (this.rule.multinomialInit === 'centred-log') centreRow(raw, r * K, K, proba.data, r * nClasses);
        } else {
          const p = clipProbability(proba.data[r * nClasses + 1]);
          raw[r] = this.loss === 'binomial' ? log(p / (1 - p)) : 0.5 * log(p / (1 - p));
        }
      }
    }
    this.stages.addTo(raw, rows);
    return raw;
  }

  decisionFunction(X: EstimatorInput): Float64Array | DenseMatrix {
    const raw = this.raw(toFloat32Rows(X, shortName(this.pythonClass)));
    return this.stages.K === 1 ? raw : denseMatrix(raw.length / this.stages.K, this.stages.K, raw);
  }

  predictProba(X: EstimatorInput): DenseMatrix {
    const raw = this.raw(toFloat32Rows(X, shortName(this.pythonClass)));
    if (this.loss === 'multinomial') return softmaxByLogSumExp(raw, this.classes.length);
    // exponential loss: P(y=1) = expit(2 * raw), as sklearn's ExponentialLoss
    return binaryProba(raw, this.loss === 'binomial' ? expit : (score) => expit(2.0 * score));
  }

  predict(X: EstimatorInput): Label[] {
    if (this.loss === 'exponential' || (this.loss === 'binomial' && this.rule.binaryPredict === 'raw-sign')) {
      const raw = this.raw(toFloat32Rows(X, shortName(this.pythonClass)));
      return Array.from(raw, (v) => this.classes[v >= 0 ? 1 : 0]);
    }
    const proba = this.predictProba(X);
    return Array.from({ length: proba.rows }, (_, r) => this.classes[argmax(proba.data, r * proba.cols, proba.cols)]);
  }
}

/**
 * `log(p / gmean(p))` in place of `log(p)` for one row: scipy's `gmean` is `exp(mean(log(p)))`
 * (numpy's pairwise sum for the mean), then the quotient's log, as `SymmetricMultinomialLogit.link`.
 */
function centreRow(raw: Float64Array, at: number, K: number, proba: Float64Array, probaAt: number): void {
  const gmean = exp(pairwiseSum(raw, at, K) / K);
  for (let k = 0; k < K; k++) raw[at + k] = log(clipProbability(proba[probaAt + k]) / gmean);
}
