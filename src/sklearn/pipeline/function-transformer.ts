import type { BuildContext, Estimator } from '../base';
import type { PyValue } from '../../pickle/python-value';
import { UnsupportedEstimatorError } from '../errors';
import type { EstimatorInput } from '../matrix';
import { numericInput, type NumericInput } from '../linear/numeric-input';

/**
 * `sklearn.preprocessing.FunctionTransformer` runs Python code (`func`), which never runs here: any
 * `func` is refused (a file naming a Python function is normally stopped earlier, by the pickle
 * allowlist). The one exception is `func=None`, the identity, which holds no code — sklearn itself
 * stores a FeatureUnion's "passthrough" part as `FunctionTransformer(feature_names_out="one-to-one")`.
 */
export class FunctionTransformer implements Estimator {
  static readonly pythonNames: readonly string[] = [
    'sklearn.preprocessing._function_transformer.FunctionTransformer',
    'sklearn.preprocessing.function_transformer.FunctionTransformer',
  ];

  constructor(readonly pythonClass: string) {}

  static fromState(state: Map<string, PyValue>, pythonClass: string, context: BuildContext): FunctionTransformer {
    const func = state.get('func');
    if (func !== null && func !== undefined) {
      throw new UnsupportedEstimatorError(
        pythonClass,
        context.sklearnVersion,
        'this FunctionTransformer holds a Python function, which is never run here; replace it with a built-in transformer or do the step before sending rows',
      );
    }
    return new FunctionTransformer(pythonClass);
  }

  /** The identity (`func=None`): numeric X unchanged, dense or sparse. */
  transform(X: EstimatorInput): NumericInput {
    return numericInput(X, 'FunctionTransformer', 'none');
  }
}
