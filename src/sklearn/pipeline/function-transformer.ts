import type { BuildContext, Estimator } from '../base';
import type { PyValue } from '../../pickle/python-value';
import { UnsupportedEstimatorError } from '../errors';

/**
 * `sklearn.preprocessing.FunctionTransformer` exists to run Python code (`func`), which never runs
 * here: it is always refused, even with `func=None`, naming the function when there is one.
 */
export class FunctionTransformer {
  static readonly pythonNames: readonly string[] = [
    'sklearn.preprocessing._function_transformer.FunctionTransformer',
    'sklearn.preprocessing.function_transformer.FunctionTransformer',
  ];

  static fromState(state: Map<string, PyValue>, pythonClass: string, context: BuildContext): Estimator {
    const func = state.get('func');
    const what = func === null || func === undefined ? 'func=None' : 'a Python function';
    throw new UnsupportedEstimatorError(
      pythonClass,
      context.sklearnVersion,
      `FunctionTransformer (${what}) holds Python code, which is never run here; replace it with a built-in transformer or do the step before sending rows`,
    );
  }
}
