import type { PyValue } from '../../pickle/python-value';
import type { BuildContext, Estimator, Label } from '../base';
import { EstimatorStateError, UnsupportedEstimatorError } from '../errors';
import type { EstimatorInput } from '../matrix';
import { StateReader, toNumber } from '../state-reader';
import { toFloat32Rows } from '../tree/float32-input';
import { exp2, log } from '../tree/libm';
import { routesMissingValues } from '../tree/missing-values';
import { TREE_LEAF, TreeStructure } from '../tree/tree-structure';
import { stateVersion } from '../versions';
import { FlatForest } from './flat-forest';

/** The pickled `__dict__` attributes read here (scikit-learn 1.2.1 names). */
export interface IsolationForestState {
  estimators_: PyValue[];
  estimators_features_: PyValue[];
  _max_features: number;
  max_samples_: number;
  offset_: number;
  n_features_in_: number;
}

/** `numpy.euler_gamma`. */
const EULER_GAMMA = 0.5772156649015329;

/**
 * sklearn's `_average_path_length` for one leaf size (1.2.1 `sklearn/ensemble/_iforest.py`): the
 * average path length of an unsuccessful BST search among `n` samples.
 */
export function averagePathLength(n: number): number {
  if (n <= 1) return 0;
  if (n === 2) return 1;
  return 2.0 * (log(n - 1.0) + EULER_GAMMA) - (2.0 * (n - 1.0)) / n;
}

/**
 * `IsolationForest`: `score_samples`, `decision_function = score_samples - offset_` and `predict`
 * (-1 for outliers, 1 for inliers), following 1.2.1 `_iforest.py` `_compute_score_samples` step by step:
 * per tree, `depth = (nodes on the path) + c(n_node_samples[leaf]) - 1.0`, summed in tree order; then
 * `-(2 ** -(depths / (n_estimators * c(max_samples_))))` (a zero denominator gives 2 ** -1).
 * The per-leaf terms are precomputed at load; `offset_` covers both `contamination='auto'` (-0.5)
 * and a numeric contamination (a percentile of the training scores, stored in the file).
 * Trees fitted on a feature subset (`max_features < 1.0`) read the input through
 * `estimators_features_`, exactly when sklearn does (`_max_features != n_features`).
 */
export class IsolationForest implements Estimator {
  static readonly pythonNames = ['sklearn.ensemble._iforest.IsolationForest', 'sklearn.ensemble.iforest.IsolationForest'];

  private constructor(
    readonly pythonClass: string,
    readonly nFeaturesIn: number,
    readonly offset: number,
    private readonly forest: FlatForest,
    private readonly leafDepths: Float64Array,
    private readonly denominator: number,
    /** Whether NaN is routed (`missing_go_to_left`, 1.9+) or refused, by the file's version. */
    private readonly allowNaN: boolean,
  ) {}

  static fromState(state: Map<string, PyValue>, pythonClass: string, context: BuildContext): IsolationForest {
    const reader = new StateReader(state, pythonClass);
    const estimators = reader.list('estimators_');
    const features = reader.list('estimators_features_');
    // n_features_in_ since scikit-learn 0.24; n_features_ before.
    const nFeaturesIn = reader.optionalNumber('n_features_in_') ?? reader.number('n_features_');
    if (estimators.length === 0 || features.length !== estimators.length) {
      throw new EstimatorStateError(`IsolationForest: ${estimators.length} estimators_ but ${features.length} estimators_features_`);
    }
    const maxFeatures = reader.optionalNumber('_max_features') ?? nFeaturesIn;
    const subsample = maxFeatures !== nFeaturesIn;
    const trees = estimators.map((estimator, i) => {
      const what = `IsolationForest.estimators_[${i}]`;
      const tree = TreeStructure.fromPickle(StateReader.of(estimator, what).value('tree_'), `${what}.tree_`);
      if (tree.nOutputs !== 1) throw new UnsupportedEstimatorError(pythonClass, context.sklearnVersion, 'multi-output trees');
      if (!subsample) return tree;
      const subset = new StateReader(new Map([['features', features[i]]]), pythonClass).float64('features');
      return tree.withFeatureMap(subset, nFeaturesIn, what);
    });
    const forest = new FlatForest(trees);
    const pathNodes = trees.map((tree) => tree.pathLengths());
    // np.ravel(node_indicator.sum(axis=1)) + _average_path_length(n_samples_leaf) - 1.0, per leaf
    const leafSamples = trees.map((tree) => tree.nNodeSamples);
    // c(n) depends on the leaf size only: computed once per distinct size, for leaves only.
    const pathLength = new Map<number, number>();
    const c = (n: number) => pathLength.get(n) ?? pathLength.set(n, averagePathLength(n)).get(n)!;
    const leafDepths = forest.table((tree, node, t) => (tree.left[node] === TREE_LEAF ? pathNodes[t][node] + c(leafSamples[t][node]) - 1.0 : 0));
    const maxSamples = toNumber(reader.value('max_samples_'));
    if (maxSamples === undefined) throw reader.error('max_samples_', 'expected a number');
    const denominator = trees.length * averagePathLength(maxSamples);
    const version = stateVersion(state, context.sklearnVersion);
    const noParams = { criterion: undefined, splitter: undefined, monotonic_cst: undefined };
    const allowNaN = routesMissingValues(version, 'isolation-forest', noParams, trees, pythonClass);
    return new IsolationForest(pythonClass, nFeaturesIn, reader.number('offset_'), forest, leafDepths, denominator, allowNaN);
  }

  /** Opposite of the anomaly score of the original paper: the lower, the more abnormal. */
  scoreSamples(X: EstimatorInput): Float64Array {
    const rows = toFloat32Rows(X, 'IsolationForest', this.allowNaN);
    const out = new Float64Array(rows.rows);
    const { forest, leafDepths, denominator } = this;
    if (rows.rows === 1) out[0] = forest.sum(leafDepths, rows.data, 0);
    else forest.addLeafValues(leafDepths, rows.data, rows.rows, rows.cols, out);
    for (let r = 0; r < rows.rows; r++) out[r] = -exp2(-(denominator !== 0 ? out[r] / denominator : 1));
    return out;
  }

  /** `score_samples - offset_`: negative for outliers. */
  decisionFunction(X: EstimatorInput): Float64Array {
    const scores = this.scoreSamples(X);
    for (let r = 0; r < scores.length; r++) scores[r] -= this.offset;
    return scores;
  }

  /** -1 for outliers (`decision_function < 0`), 1 for inliers. */
  predict(X: EstimatorInput): Label[] {
    return Array.from(this.decisionFunction(X), (d) => (d < 0 ? -1 : 1));
  }

  /** Number of trees (for `inspect` and logs). */
  get nEstimators(): number {
    return this.forest.nTrees;
  }
}
