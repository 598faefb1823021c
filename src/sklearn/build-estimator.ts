import { NdArray } from '../numpy/ndarray';
import { loadModelFile } from '../pickle';
import { PyObject, type PyValue } from '../pickle/python-value';
import type { BuildContext, Estimator, EstimatorFactory, Label, SklearnMethod } from './base';
import { EstimatorInputError, EstimatorMethodError, ModelKeyError, UnsupportedEstimatorError } from './errors';
import type { DenseMatrix, EstimatorInput, SparseMatrix } from './matrix';
import { buildEstimatorIndex } from './registry';
import { describeValue, shortName, stringKeyed } from './state-reader';
import { minorOf } from './versions';

export interface BuildEstimatorOptions {
  /**
   * Where the estimator sits inside a dict/tuple model file (`{'model': m, 'threshold': -0.3}`):
   * - a string selects `obj[key]` (a numeric string also indexes a tuple or list);
   * - `''` means "no key": the file's object itself is the estimator;
   * - `undefined` or `null`: a dict/tuple holding exactly one estimator is unwrapped.
   */
  readonly key?: string | null;
  /** Python class path -> factory; defaults to the registry's table. */
  readonly index?: ReadonlyMap<string, EstimatorFactory>;
}

let defaultIndex: Map<string, EstimatorFactory> | undefined;

/**
 * Builds an {@link Estimator} from an unpickled value through the registry (`registry.ts`).
 *
 * @throws ModelKeyError when `key` selects nothing, or the unwrapping is ambiguous
 * @throws UnsupportedEstimatorError naming the class and `_sklearn_version` for anything not in the table
 * @throws EstimatorStateError when a supported class holds unexpected state
 */
export function buildEstimator(value: PyValue, options: BuildEstimatorOptions = {}): Estimator {
  const index = options.index ?? (defaultIndex ??= buildEstimatorIndex());
  const target = selectByKey(value, options.key);
  const sklearnVersion = target instanceof PyObject ? versionOf(target) : undefined;
  const context: BuildContext = {
    sklearnVersion,
    build(inner: PyValue): Estimator {
      if (!(inner instanceof PyObject)) {
        throw new UnsupportedEstimatorError(typeOf(inner), sklearnVersion, `expected a scikit-learn estimator, got ${describeValue(inner)}`);
      }
      const factory = index.get(inner.className);
      if (factory === undefined) throw new UnsupportedEstimatorError(inner.className, versionOf(inner) ?? sklearnVersion);
      return factory.fromState(stringKeyed(inner.dict()), inner.className, context);
    },
  };
  return context.build(target);
}

/** Reads a `.pkl`/`.joblib` file (see `loadModelFile`) and builds the estimator it holds. */
export function loadEstimator(filePath: string, options: BuildEstimatorOptions = {}): Estimator {
  return buildEstimator(loadModelFile(filePath), options);
}

/** What an estimator method returns: 1-D floats, labels, or a 2-D matrix (sklearn's shapes). */
export type MethodOutput = Float64Array | Label[] | DenseMatrix | SparseMatrix;

const METHODS = new Map<string, keyof Estimator>([
  ['predict', 'predict'],
  ['predict_proba', 'predictProba'],
  ['decision_function', 'decisionFunction'],
  ['score_samples', 'scoreSamples'],
  ['transform', 'transform'],
]);

/**
 * Calls a sklearn method by its Python name after checking that the estimator has it and that the
 * input width equals `n_features_in_`.
 *
 * @throws EstimatorMethodError for an unknown or unavailable method
 * @throws EstimatorInputError for a wrong number of columns, or text given to a numeric model
 */
export function runMethod(estimator: Estimator, method: SklearnMethod | string, X: EstimatorInput): MethodOutput {
  const property = METHODS.get(method);
  const fn = property === undefined ? undefined : (estimator[property] as ((x: EstimatorInput) => MethodOutput) | undefined);
  if (fn === undefined) {
    throw new EstimatorMethodError(
      `${shortName(estimator.pythonClass)} has no method "${method}"; it has: ${availableMethods(estimator).join(', ') || '(none)'}.`,
    );
  }
  checkInput(estimator, X);
  return fn.call(estimator, X);
}

/** The sklearn method names an estimator implements, e.g. `['predict', 'decision_function']`. */
export function availableMethods(estimator: Estimator): string[] {
  return [...METHODS].filter(([, property]) => typeof estimator[property] === 'function').map(([name]) => name);
}

/** Throws {@link EstimatorInputError} when X's width differs from the estimator's `n_features_in_`. */
export function checkInput(estimator: Estimator, X: EstimatorInput): void {
  if (Array.isArray(X)) return; // text: the pipeline's vectorizer decides
  const matrix = X as DenseMatrix | SparseMatrix;
  if (estimator.nFeaturesIn !== undefined && matrix.cols !== estimator.nFeaturesIn) {
    throw new EstimatorInputError(
      `X has ${matrix.cols} features, but ${shortName(estimator.pythonClass)} was fitted with ${estimator.nFeaturesIn} ` +
        `(n_features_in_). Give rows of exactly ${estimator.nFeaturesIn} numbers, in the training column order.`,
    );
  }
}

function selectByKey(value: PyValue, key: string | null | undefined): PyValue {
  if (key === '') return value;
  if (key !== undefined && key !== null) {
    if (value instanceof Map) {
      if (value.has(key)) return value.get(key) as PyValue;
      const numeric = Number(key);
      if (key.trim() !== '' && Number.isInteger(numeric) && value.has(numeric)) return value.get(numeric) as PyValue;
      throw new ModelKeyError(`key "${key}" is not in the model file's dict; its keys are: ${keysOf(value)}.`);
    }
    if (Array.isArray(value)) {
      const i = Number(key);
      if (/^\d+$/.test(key) && i < value.length) return value[i] as PyValue;
      throw new ModelKeyError(`key "${key}" does not index the model file's ${describeValue(value)} (use 0..${value.length - 1}).`);
    }
    throw new ModelKeyError(`key "${key}" was given, but the model file holds ${describeValue(value)}, not a dict; use --key '' or drop "key".`);
  }
  const members = value instanceof Map ? [...value.values()] : Array.isArray(value) ? (value as readonly PyValue[]) : undefined;
  if (members === undefined) return value;
  const estimators = members.filter((member) => member instanceof PyObject);
  if (estimators.length === 1) return estimators[0];
  const where = value instanceof Map ? `dict (keys: ${keysOf(value)})` : describeValue(value);
  throw new ModelKeyError(
    `the model file holds a ${where} with ${estimators.length === 0 ? 'no estimator' : `${estimators.length} estimators`}; ` +
      'name the one to use with a key (manifest "key", eval --key).',
  );
}

function keysOf(map: Map<PyValue, PyValue>): string {
  return [...map.keys()].map((k) => JSON.stringify(typeof k === 'bigint' ? String(k) : k)).join(', ') || '(none)';
}

function versionOf(object: PyObject): string | undefined {
  const version = object.dict().get('_sklearn_version');
  return typeof version === 'string' ? version : undefined;
}

function typeOf(value: PyValue): string {
  if (value instanceof NdArray) return 'numpy.ndarray';
  if (value instanceof Map) return 'dict';
  if (Array.isArray(value)) return Object.isFrozen(value) ? 'tuple' : 'list';
  return value === null ? 'None' : typeof value;
}

/** Python classes that turn text into features (scikit-learn 1.2.1 `sklearn/feature_extraction/text.py`). */
const TEXT_VECTORIZERS = new Set(['CountVectorizer', 'TfidfVectorizer', 'HashingVectorizer']);

/** True when the estimator reads strings: a text vectorizer, or a Pipeline whose first step is one. */
export function takesText(estimator: Estimator): boolean {
  if (estimator.readsText !== undefined) return estimator.readsText;
  const first = (estimator as { transformers?: readonly Estimator[] }).transformers?.[0] ?? estimator;
  return TEXT_VECTORIZERS.has(shortName(first.pythonClass));
}

/** `classes_` of a classifier, or of a Pipeline's final step (as sklearn's `Pipeline.classes_`). */
export function classesOf(estimator: Estimator): readonly Label[] | undefined {
  const own = (estimator as { classes?: readonly Label[] }).classes;
  if (own !== undefined) return own;
  const final = (estimator as { final?: Estimator | null }).final;
  return final ? classesOf(final) : undefined;
}

/**
 * The scikit-learn series whose files we evaluate as that version does: 1.2, 1.4 and 1.9 against
 * fixtures they wrote (`test/fixtures/sklearn/fixture_versions.py`); 1.3 and 1.5-1.8 where every
 * change we know of between those (LogisticRegression `multi_class`, GradientBoosting's init,
 * AdaBoost's SAMME, NaN routing in trees) is a row of the estimator's version table, read from
 * scikit-learn's sources and checked on the real files of `../shared/realworld-models`.
 * See docs/sklearn.md, "scikit-learn versions".
 */
export const VERIFIED_SKLEARN_VERSIONS: readonly string[] = ['1.2', '1.3', '1.4', '1.5', '1.6', '1.7', '1.8', '1.9'];

/**
 * `_sklearn_version` of the estimator `key` selects, and whether its major.minor is one the
 * fixtures verify; for a startup warning (other versions usually pickle the same state, but the
 * numbers are not checked against them).
 */
export function sklearnVersionOf(value: PyValue, key?: string | null): { version: string | undefined; verified: boolean } {
  let target: PyValue;
  try {
    target = selectByKey(value, key);
  } catch {
    return { version: undefined, verified: false };
  }
  const version = target instanceof PyObject ? versionOf(target) : undefined;
  const minor = minorOf(version);
  return { version, verified: minor !== undefined && VERIFIED_SKLEARN_VERSIONS.includes(minor) };
}
