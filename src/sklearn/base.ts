import type { PyValue } from '../pickle/python-value';
import type { DenseMatrix, EstimatorInput, SparseMatrix } from './matrix';

/** A class label as sklearn keeps it: labels keep their Python type (strings stay strings). */
export type Label = number | string | boolean | bigint;

/** sklearn method names, as written in manifests (`output`) and on the `eval` command line. */
export type SklearnMethod = 'predict' | 'predict_proba' | 'decision_function' | 'score_samples' | 'transform';

/**
 * A fitted scikit-learn estimator evaluated in TypeScript. Methods are optional: an estimator
 * implements the ones its Python class has. 1-D outputs are `Float64Array` (or `Label[]` for
 * `predict` of classifiers); 2-D outputs are `DenseMatrix`, exactly sklearn's shapes.
 */
export interface Estimator {
  /** The Python class path it was built from, e.g. `sklearn.ensemble._iforest.IsolationForest`. */
  readonly pythonClass: string;
  /** `n_features_in_` when the estimator knows it, to check input widths with a clear message. */
  readonly nFeaturesIn?: number;
  /** True when it takes one string per row: text vectorizers, and compositions that start with one. */
  readonly readsText?: boolean;
  predict?(X: EstimatorInput): Float64Array | Label[] | DenseMatrix;
  predictProba?(X: EstimatorInput): DenseMatrix;
  decisionFunction?(X: EstimatorInput): Float64Array | DenseMatrix;
  scoreSamples?(X: EstimatorInput): Float64Array;
  transform?(X: EstimatorInput): DenseMatrix | SparseMatrix;
}

/** Helps `fromState` build nested estimators (pipeline steps, ensemble members). */
export interface BuildContext {
  /** Builds any supported estimator from an unpickled value; throws UnsupportedEstimatorError otherwise. */
  build(value: PyValue): Estimator;
  /** `_sklearn_version` of the outermost object, for messages. */
  readonly sklearnVersion: string | undefined;
}

/**
 * One supported Python class (or family). Adding an estimator is one file exporting such a
 * class plus one line in `registry.ts`.
 */
export interface EstimatorFactory {
  /** Every Python class path it answers to, old module paths included. */
  readonly pythonNames: readonly string[];
  /** Builds the estimator from the pickled `__dict__` (snake_case keys exactly as in Python). */
  fromState(state: Map<string, PyValue>, pythonClass: string, context: BuildContext): Estimator;
}
