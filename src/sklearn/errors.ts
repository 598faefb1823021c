import { CrsMlError } from '../errors';

/**
 * The file holds a class we cannot evaluate (or something that is not an estimator at all). We refuse
 * rather than guess: the message names the Python class and the `_sklearn_version` it was saved with.
 */
export class UnsupportedEstimatorError extends CrsMlError {
  readonly code = 'UNSUPPORTED_ESTIMATOR';
  constructor(
    readonly pythonClass: string,
    readonly sklearnVersion: string | undefined,
    detail?: string,
  ) {
    super(
      `cannot evaluate "${pythonClass}" (saved with scikit-learn ${sklearnVersion ?? 'of unknown version'})` +
        `${detail ? `: ${detail}` : ''}. See docs/sklearn.md for the supported estimators.`,
    );
  }
}

/** A supported class whose pickled state is not what the supported scikit-learn versions write. */
export class EstimatorStateError extends CrsMlError {
  readonly code = 'ESTIMATOR_STATE_INVALID';
}

/** `key` does not select exactly one estimator inside a dict/tuple model file. */
export class ModelKeyError extends CrsMlError {
  readonly code = 'MODEL_KEY_INVALID';
}

/** The estimator has no such method (e.g. `predict_proba` of a regressor), or the method name is unknown. */
export class EstimatorMethodError extends CrsMlError {
  readonly code = 'ESTIMATOR_METHOD_UNSUPPORTED';
}

/**
 * The input does not fit the estimator: wrong number of columns (`n_features_in_`), NaN or infinity
 * where scikit-learn refuses them, text for a numeric model.
 */
export class EstimatorInputError extends CrsMlError {
  readonly code = 'ESTIMATOR_INPUT_INVALID';
}
