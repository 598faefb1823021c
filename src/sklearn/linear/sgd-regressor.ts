import type { PyValue } from '../../pickle/python-value';
import { LinearRegression } from './linear-regression';

/** `sklearn.linear_model.SGDRegressor`: prediction is LinearModel's `X @ coef_.T + intercept_` (see LinearRegression). */
export class SGDRegressor extends LinearRegression {
  static override readonly pythonNames: readonly string[] = ['sklearn.linear_model._stochastic_gradient.SGDRegressor', 'sklearn.linear_model.stochastic_gradient.SGDRegressor'];

  static override fromState(state: Map<string, PyValue>, pythonClass: string): SGDRegressor {
    return new SGDRegressor(pythonClass, LinearRegression.readState(state, pythonClass));
  }
}
