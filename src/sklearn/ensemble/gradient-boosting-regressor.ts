import type { PyValue } from '../../pickle/python-value';
import type { BuildContext, Estimator } from '../base';
import { EstimatorStateError } from '../errors';
import type { EstimatorInput } from '../matrix';
import { StateReader, shortName } from '../state-reader';
import { toFloat32Rows } from '../tree/float32-input';
import { BoostingStages, asMatrix, readInit } from './boosting-stages';

/** The pickled `__dict__` attributes read here (scikit-learn 1.2.1 names). */
export interface GradientBoostingRegressorState {
  estimators_: PyValue;
  init_: PyValue;
  learning_rate: number;
  n_features_in_: number;
}

/**
 * `GradientBoostingRegressor` (1.2.1 `_gb.py`): `predict` = `init_.predict(X)` (or 0 for
 * `init='zero'`) + the stages. Every regression loss (`squared_error`, `absolute_error`, `huber`,
 * `quantile`) has the identity link; the loss only chose the init (mean, median, alpha-quantile),
 * whose fitted `constant_` is in the file.
 */
export class GradientBoostingRegressor implements Estimator {
  static readonly pythonNames = ['sklearn.ensemble._gb.GradientBoostingRegressor', 'sklearn.ensemble.gradient_boosting.GradientBoostingRegressor'];

  private constructor(
    readonly pythonClass: string,
    readonly nFeaturesIn: number,
    private readonly stages: BoostingStages,
    private readonly init: Estimator | 'zero',
  ) {}

  static fromState(state: Map<string, PyValue>, pythonClass: string, context: BuildContext): GradientBoostingRegressor {
    const reader = new StateReader(state, pythonClass);
    const stages = BoostingStages.read(reader, 'GradientBoostingRegressor', context);
    if (stages.K !== 1) throw new EstimatorStateError(`GradientBoostingRegressor: estimators_ has ${stages.K} trees per stage, expected 1`);
    return new GradientBoostingRegressor(pythonClass, reader.optionalNumber('n_features_in_') ?? stages.nFeatures, stages, readInit(reader, context));
  }

  predict(X: EstimatorInput): Float64Array {
    const rows = toFloat32Rows(X, shortName(this.pythonClass));
    let raw = new Float64Array(rows.rows);
    if (this.init !== 'zero') {
      if (this.init.predict === undefined) throw new EstimatorStateError(`GradientBoostingRegressor.init_ (${this.init.pythonClass}) has no predict`);
      const initial = this.init.predict(asMatrix(rows));
      // get_init_raw_predictions: predictions.reshape(-1, 1).astype(np.float64)
      raw = Float64Array.from(initial as ArrayLike<number>, Number);
    }
    this.stages.addTo(raw, rows);
    return raw;
  }
}
