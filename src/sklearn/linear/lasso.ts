import type { PyValue } from '../../pickle/python-value';
import { LinearRegression } from './linear-regression';

/** `sklearn.linear_model.Lasso`: prediction is LinearModel's `X @ coef_.T + intercept_` (see LinearRegression). */
export class Lasso extends LinearRegression {
  static override readonly pythonNames: readonly string[] = ['sklearn.linear_model._coordinate_descent.Lasso', 'sklearn.linear_model.coordinate_descent.Lasso', 'sklearn.linear_model._coordinate_descent.LassoCV'];

  static override fromState(state: Map<string, PyValue>, pythonClass: string): Lasso {
    return new Lasso(pythonClass, LinearRegression.readState(state, pythonClass));
  }
}
