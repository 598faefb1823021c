import type { PyValue } from '../../pickle/python-value';
import type { BuildContext, Estimator } from '../base';
import { UnsupportedEstimatorError } from '../errors';
import type { EstimatorInput } from '../matrix';
import { StateReader } from '../state-reader';
import { exp } from '../tree/libm';
import { HistPredictors, type Float64Rows } from './hist-predictors';
import { readHistInput } from './hist-preprocessor';

/** The pickled `__dict__` attributes read here (scikit-learn 1.2.1 names). */
export interface HistGradientBoostingRegressorState {
  _predictors: PyValue;
  _baseline_prediction: PyValue;
  _bin_mapper: PyValue;
  _preprocessor?: PyValue; // 1.4+ with categorical features: see hist-preprocessor.ts
  loss: string;
  n_features_in_: number;
}

/** Loss name -> inverse link (1.2.1 `sklearn/_loss/loss.py`: identity, or exp for the log link). */
const INVERSE_LINKS = new Map<string, (raw: number) => number>([
  ['squared_error', (raw) => raw],
  ['least_squares', (raw) => raw],
  ['absolute_error', (raw) => raw],
  ['least_absolute_deviation', (raw) => raw],
  ['quantile', (raw) => raw],
  ['poisson', exp],
  ['gamma', exp],
]);

/**
 * `HistGradientBoostingRegressor` (1.2.1 `gradient_boosting.py` `_raw_predict`): `raw = 0 +
 * _baseline_prediction`, then each iteration's predictor added in order, on the float64 input (no
 * float32 cast; NaN follows the learnt missing-value side); `predict` applies the loss's inverse link.
 * Files from 1.4+ with categorical features first go through their pickled `_preprocessor`
 * (hist-preprocessor.ts); fixtures from 1.2.1, 1.4.2 and 1.9.0 (test/fixtures/sklearn/<version>/hgb).
 */
export class HistGradientBoostingRegressor implements Estimator {
  static readonly pythonNames = [
    'sklearn.ensemble._hist_gradient_boosting.gradient_boosting.HistGradientBoostingRegressor',
  ];

  private constructor(
    readonly pythonClass: string,
    readonly nFeaturesIn: number,
    private readonly baseline: number,
    private readonly predictors: HistPredictors,
    private readonly inverseLink: (raw: number) => number,
    /** X as the trees read it (1.4+: through the pickled `_preprocessor`). */
    private readonly toRows: (X: EstimatorInput) => Float64Rows,
  ) {}

  static fromState(state: Map<string, PyValue>, pythonClass: string, context: BuildContext): HistGradientBoostingRegressor {
    const reader = new StateReader(state, pythonClass);
    const loss = reader.string('loss');
    const inverseLink = INVERSE_LINKS.get(loss);
    if (inverseLink === undefined) throw new UnsupportedEstimatorError(pythonClass, context.sklearnVersion, `loss "${loss}"`);
    const nFeatures = reader.number('n_features_in_');
    const baseline = reader.float64('_baseline_prediction');
    if (baseline.length !== 1) throw reader.error('_baseline_prediction', `expected one value, got ${baseline.length}`);
    const predictors = HistPredictors.read(reader, 'HistGradientBoostingRegressor', nFeatures);
    return new HistGradientBoostingRegressor(pythonClass, nFeatures, baseline[0], predictors, inverseLink, readHistInput(reader, 'HistGradientBoostingRegressor', context, nFeatures));
  }

  predict(X: EstimatorInput): Float64Array {
    const rows = this.toRows(X);
    const raw = new Float64Array(rows.rows).fill(0 + this.baseline);
    this.predictors.addTo(raw, rows, 1);
    for (let r = 0; r < raw.length; r++) raw[r] = this.inverseLink(raw[r]);
    return raw;
  }
}
