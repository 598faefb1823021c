import type { PyValue } from '../../pickle/python-value';
import { LinearRegression } from './linear-regression';

/** `sklearn.linear_model.Ridge`: prediction is LinearModel's `X @ coef_.T + intercept_` (see LinearRegression). */
export class Ridge extends LinearRegression {
  static override readonly pythonNames: readonly string[] = ['sklearn.linear_model._ridge.Ridge', 'sklearn.linear_model.ridge.Ridge', 'sklearn.linear_model._ridge.RidgeCV'];

  static override fromState(state: Map<string, PyValue>, pythonClass: string): Ridge {
    return new Ridge(pythonClass, LinearRegression.readState(state, pythonClass));
  }
}
