import type { Estimator } from '../base';
import type { PyValue } from '../../pickle/python-value';
import type { DenseMatrix, EstimatorInput } from '../matrix';
import { StateReader } from '../state-reader';
import { readIntercept } from './linear-classifier';
import { affine, column, numericInput } from './numeric-input';

/** The pickled `__dict__` fields a linear regressor uses. */
export interface LinearRegressionState {
  /** (n_features,) or (n_targets, n_features) */
  coef_: Float64Array;
  /** whether coef_ is 2-D: then predict returns (n_samples, n_targets) */
  multiOutput: boolean;
  /** coef_.shape[0] when 2-D, else 1 */
  nTargets: number;
  /** a float (0.0 without intercept), (1,) or (n_targets,) */
  intercept_: Float64Array | number;
}

/**
 * `sklearn.linear_model.LinearRegression` — and, through the same `LinearModel.predict`
 * (`X @ coef_.T + intercept_`, sklearn/linear_model/_base.py 1.2.1), Ridge, Lasso, ElasticNet and
 * SGDRegressor (see their files).
 */
export class LinearRegression implements Estimator {
  static readonly pythonNames: readonly string[] = ['sklearn.linear_model._base.LinearRegression', 'sklearn.linear_model.base.LinearRegression'];
  readonly nFeaturesIn: number;
  private readonly nTargets: number;

  constructor(
    readonly pythonClass: string,
    private readonly state: LinearRegressionState,
  ) {
    this.nTargets = state.nTargets;
    this.nFeaturesIn = state.coef_.length / this.nTargets;
  }

  static readState(state: Map<string, PyValue>, pythonClass: string): LinearRegressionState {
    const reader = new StateReader(state, pythonClass);
    const coef = reader.array('coef_');
    const multiOutput = coef.shape.length === 2;
    const intercept = readIntercept(reader);
    const nTargets = multiOutput ? coef.shape[0] : 1;
    if (typeof intercept !== 'number' && intercept.length !== nTargets) throw reader.error('intercept_', `holds ${intercept.length} values for ${nTargets} targets`);
    return { coef_: coef.toFloat64(), multiOutput, nTargets: multiOutput ? coef.shape[0] : 1, intercept_: readIntercept(reader) };
  }

  static fromState(state: Map<string, PyValue>, pythonClass: string): LinearRegression {
    return new LinearRegression(pythonClass, LinearRegression.readState(state, pythonClass));
  }

  predict(X: EstimatorInput): Float64Array | DenseMatrix {
    const { coef_, intercept_, multiOutput } = this.state;
    const out = affine(numericInput(X, this.constructor.name), coef_, this.nTargets, intercept_);
    return multiOutput ? out : column(out, 0);
  }
}
