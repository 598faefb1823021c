import { NdArray } from '../../numpy/ndarray';
import { PyObject, type PyValue } from '../../pickle/python-value';
import type { BuildContext, Estimator } from '../base';
import { EstimatorStateError, UnsupportedEstimatorError } from '../errors';
import { denseMatrix, type DenseMatrix } from '../matrix';
import { StateReader } from '../state-reader';
import type { Float32Rows } from '../tree/float32-input';
import { FlatForest } from './flat-forest';
import { readMemberTrees } from './forest-trees';

/**
 * The regression trees of a fitted `GradientBoosting*` (`estimators_`, an object array of shape
 * (n_stages, K)) with their leaf values pre-multiplied by `learning_rate`, added the way 1.2.1
 * `sklearn/ensemble/_gradient_boosting.pyx` `predict_stages` does: stage by stage, class by class,
 * `out[i, k] += scale * value[leaf]` on the float32 input.
 */
export class BoostingStages {
  private constructor(
    readonly nStages: number,
    readonly K: number,
    /** Width of the trees' input (`n_features_in_` of files that lack it). */
    readonly nFeatures: number,
    private readonly forest: FlatForest,
    private readonly scaledLeaves: Float64Array,
  ) {}

  static read(reader: StateReader, owner: string, context: BuildContext): BoostingStages {
    const array = reader.array('estimators_');
    const [nStages, K] = array.shape;
    if (array.shape.length !== 2 || !(nStages >= 1) || !(K >= 1)) {
      throw reader.error('estimators_', `expected an (n_stages, K) array of trees, got shape (${array.shape.join(', ')})`);
    }
    const trees = readMemberTrees(array.toArray() as PyValue[], owner, reader.pythonClass, context);
    const learningRate = reader.number('learning_rate');
    const forest = new FlatForest(trees);
    const scaledLeaves = forest.table((tree, node) => learningRate * tree.values[node * tree.maxNClasses]);
    return new BoostingStages(nStages, K, trees[0].nFeatures, forest, scaledLeaves);
  }

  /** Adds every stage's scaled leaf values to `raw` (row-major, K per row), in sklearn's order. */
  addTo(raw: Float64Array, X: Float32Rows): void {
    const { forest, scaledLeaves, K } = this;
    forest.addLeafValues(scaledLeaves, X.data, X.rows, X.cols, raw, K, (t) => t % K);
  }
}

/**
 * `init_` of a GradientBoosting model: the string `'zero'` or a fitted estimator (by default a
 * `DummyClassifier(strategy='prior')` / `DummyRegressor`), built through the registry.
 * The init estimator sees the float32-cast input, as in sklearn.
 */
export function readInit(reader: StateReader, context: BuildContext): Estimator | 'zero' {
  const init = reader.value('init_');
  if (init === 'zero') return 'zero';
  if (typeof init === 'string' || init === null) throw new EstimatorStateError(`${reader.pythonClass}.init_ is ${JSON.stringify(init)}; expected 'zero' or an estimator`);
  refuseFloat32Classifier(init, reader.pythonClass, context);
  return context.build(init);
}

/**
 * A classifier init fitted on GradientBoosting's float32 X keeps float32 `coef_` (scikit-learn 1.9's
 * LogisticRegression does) and predicts through float32 BLAS, whose summation order we cannot
 * reproduce: scores would differ by up to 1e-2. Refused rather than silently different.
 */
function refuseFloat32Classifier(init: PyValue, pythonClass: string, context: BuildContext): void {
  if (!(init instanceof PyObject) || !/LogisticRegression/.test(init.className)) return;
  const coef = init.dict().get('coef_');
  if (coef instanceof NdArray && coef.dtype.kind === 'f' && coef.dtype.itemsize === 4) {
    throw new UnsupportedEstimatorError(
      pythonClass,
      context.sklearnVersion,
      `its init_ (${init.className}) holds float32 coefficients and scikit-learn evaluates it in float32 BLAS, which cannot be reproduced exactly; re-train with init=None (the default) or init="zero"`,
    );
  }
}

/** The float32-cast rows as a float64 matrix, for an init estimator. */
export function asMatrix(X: Float32Rows): DenseMatrix {
  return denseMatrix(X.rows, X.cols, Float64Array.from(X.data));
}

/** `np.finfo(np.float32).eps`: GradientBoosting clips init probabilities to [eps, 1 - eps]. */
export const FLOAT32_EPS = 2 ** -23;

export function clipProbability(p: number): number {
  return Math.min(Math.max(p, FLOAT32_EPS), 1 - FLOAT32_EPS);
}
