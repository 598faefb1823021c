import type { BuildContext, Estimator } from '../base';
import type { PyValue } from '../../pickle/python-value';
import { UnsupportedEstimatorError } from '../errors';
import type { EstimatorInput } from '../matrix';
import { numericInput, type NumericInput } from '../linear/numeric-input';
import { sklearnFunction, type SklearnFunction } from './sklearn-functions';

/**
 * `sklearn.preprocessing.FunctionTransformer` runs Python code (`func`), which never runs here. Two
 * kinds of `func` hold no code of the author's and are served:
 * - `func=None`, the identity: sklearn itself stores a FeatureUnion's "passthrough" part as
 *   `FunctionTransformer(feature_names_out="one-to-one")`;
 * - a scikit-learn function we implement in TypeScript (sklearn-functions.ts), named directly or through
 *   `functools.partial` -- HistGradientBoosting 1.4+ keeps `partial(check_array, ...)` in its `_preprocessor`.
 * Any other `func` is refused (a file naming another Python function is normally stopped earlier, by
 * the pickle allowlist), and so are `kw_args`.
 */
export class FunctionTransformer implements Estimator {
  static readonly pythonNames: readonly string[] = [
    'sklearn.preprocessing._function_transformer.FunctionTransformer',
    'sklearn.preprocessing.function_transformer.FunctionTransformer',
  ];

  constructor(
    readonly pythonClass: string,
    private readonly func: SklearnFunction | undefined = undefined,
  ) {}

  static fromState(state: Map<string, PyValue>, pythonClass: string, context: BuildContext): FunctionTransformer {
    const func = state.get('func');
    if (func === null || func === undefined) return new FunctionTransformer(pythonClass);
    const twin = sklearnFunction(func, pythonClass);
    const kwArgs = state.get('kw_args');
    const hasKwArgs = kwArgs instanceof Map ? kwArgs.size > 0 : kwArgs !== null && kwArgs !== undefined;
    if (twin === undefined || hasKwArgs) {
      throw new UnsupportedEstimatorError(
        pythonClass,
        context.sklearnVersion,
        'this FunctionTransformer holds a Python function (or kw_args), which is never run here; replace it with a built-in transformer or do the step before sending rows',
      );
    }
    return new FunctionTransformer(pythonClass, twin);
  }

  /** The identity (`func=None`): numeric X unchanged, dense or sparse; else the function's twin. */
  transform(X: EstimatorInput): NumericInput {
    if (this.func !== undefined) return this.func(X);
    return numericInput(X, 'FunctionTransformer', 'none');
  }
}
