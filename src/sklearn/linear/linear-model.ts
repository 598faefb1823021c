import type { PyValue } from '../../pickle/python-value';
import { LinearRegression } from './linear-regression';

/**
 * The other identity-link regressors whose `predict` is sklearn's `LinearModel.predict` (or
 * `BaseSGDRegressor`'s): `X @ coef_.T + intercept_`, exactly as LinearRegression. Listed here rather
 * than one file each because nothing but the Python name differs.
 */
export class LinearModel extends LinearRegression {
  static override readonly pythonNames: readonly string[] = [
    'sklearn.linear_model._bayes.BayesianRidge',
    'sklearn.linear_model._bayes.ARDRegression',
    'sklearn.linear_model._huber.HuberRegressor',
    'sklearn.linear_model._least_angle.Lars',
    'sklearn.linear_model._least_angle.LarsCV',
    'sklearn.linear_model._least_angle.LassoLars',
    'sklearn.linear_model._least_angle.LassoLarsCV',
    'sklearn.linear_model._least_angle.LassoLarsIC',
    'sklearn.linear_model._omp.OrthogonalMatchingPursuit',
    'sklearn.linear_model._omp.OrthogonalMatchingPursuitCV',
    'sklearn.linear_model._theil_sen.TheilSenRegressor',
    'sklearn.linear_model._quantile.QuantileRegressor',
    'sklearn.linear_model._passive_aggressive.PassiveAggressiveRegressor',
    'sklearn.linear_model._coordinate_descent.MultiTaskLasso',
    'sklearn.linear_model._coordinate_descent.MultiTaskLassoCV',
    'sklearn.linear_model._coordinate_descent.MultiTaskElasticNet',
    'sklearn.linear_model._coordinate_descent.MultiTaskElasticNetCV',
    'sklearn.svm._classes.LinearSVR',
  ];

  static override fromState(state: Map<string, PyValue>, pythonClass: string): LinearModel {
    return new LinearModel(pythonClass, LinearRegression.readState(state, pythonClass));
  }
}
