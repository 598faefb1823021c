import type { PyValue } from '../../pickle/python-value';
import { LinearRegression } from './linear-regression';

/** `sklearn.linear_model.ElasticNet`: prediction is LinearModel's `X @ coef_.T + intercept_` (see LinearRegression). */
export class ElasticNet extends LinearRegression {
  static override readonly pythonNames: readonly string[] = ['sklearn.linear_model._coordinate_descent.ElasticNet', 'sklearn.linear_model.coordinate_descent.ElasticNet', 'sklearn.linear_model._coordinate_descent.ElasticNetCV'];

  static override fromState(state: Map<string, PyValue>, pythonClass: string): ElasticNet {
    return new ElasticNet(pythonClass, LinearRegression.readState(state, pythonClass));
  }
}
