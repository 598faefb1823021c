import type { PyValue } from '../../pickle/python-value';
import type { BuildContext, Estimator, Label } from '../base';
import { EstimatorStateError, UnsupportedEstimatorError } from '../errors';
import { binaryProba, denseMatrix, type DenseMatrix, type EstimatorInput } from '../matrix';
import { StateReader, shortName } from '../state-reader';
import { toFloat32Rows, type Float32Rows } from '../tree/float32-input';
import { log } from '../tree/libm';
import { argmax } from '../tree/numpy-math';
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

/**
 * `GradientBoostingClassifier` (1.2.1 `sklearn/ensemble/_gb.py` and `_gb_losses.py`):
 * `decision_function` = init raw prediction + stages; the init is `'zero'`, or an estimator's
 * `predict_proba` clipped to [eps, 1-eps] through the loss's link -- `log(p/(1-p))` for `log_loss`
 * (binomial), `log(p)` per class (multinomial), `0.5*log(p/(1-p))` for `exponential`.
 * `predict_proba` is `expit(raw)` (binomial), `expit(2*raw)` (exponential) or
 * `exp(raw - logsumexp(raw))` (multinomial); `predict` is `classes_[argmax(proba)]`
 * (`raw >= 0` for exponential).
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
    return new GradientBoostingClassifier(pythonClass, reader.optionalNumber('n_features_in_') ?? stages.nFeatures, classes, loss, stages, readInit(reader, context));
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
    if (this.loss === 'exponential') {
      const raw = this.raw(toFloat32Rows(X, shortName(this.pythonClass)));
      return Array.from(raw, (v) => this.classes[v >= 0 ? 1 : 0]);
    }
    const proba = this.predictProba(X);
    return Array.from({ length: proba.rows }, (_, r) => this.classes[argmax(proba.data, r * proba.cols, proba.cols)]);
  }
}
