import type { PyValue } from '../../pickle/python-value';
import type { BuildContext, Estimator } from '../base';
import type { EstimatorInput } from '../matrix';
import { StateReader, shortName } from '../state-reader';
import { toFloat32Rows } from './float32-input';
import { routesMissingValues, treeKindOf, treeParams } from './missing-values';
import { TreeStructure } from './tree-structure';
import { stateVersion } from '../versions';

/** The pickled `__dict__` attributes read here (scikit-learn 1.2.1 names). */
export interface DecisionTreeRegressorState {
  tree_: PyValue;
  n_features_in_?: number;
}

/**
 * `DecisionTreeRegressor` and `ExtraTreeRegressor`: `predict` is the leaf's `value[leaf, 0, 0]`
 * after the float32 cast of X. Single-output only.
 */
export class DecisionTreeRegressor implements Estimator {
  static readonly pythonNames = [
    'sklearn.tree._classes.DecisionTreeRegressor',
    'sklearn.tree.tree.DecisionTreeRegressor',
    'sklearn.tree._classes.ExtraTreeRegressor',
    'sklearn.tree.tree.ExtraTreeRegressor',
  ];

  private constructor(
    readonly pythonClass: string,
    readonly nFeaturesIn: number,
    readonly tree: TreeStructure,
    /** Whether NaN is routed (`missing_go_to_left`) or refused, by the file's version and parameters. */
    private readonly allowNaN: boolean,
  ) {}

  static fromState(state: Map<string, PyValue>, pythonClass: string, context: BuildContext): DecisionTreeRegressor {
    const reader = new StateReader(state, pythonClass);
    const tree = TreeStructure.fromPickle(reader.value('tree_'), `${shortName(pythonClass)}.tree_`);
    tree.requireSingleOutput(pythonClass, context.sklearnVersion);
    const version = stateVersion(state, context.sklearnVersion);
    const allowNaN = routesMissingValues(version, treeKindOf(pythonClass), treeParams(state), [tree], pythonClass);
    return new DecisionTreeRegressor(pythonClass, reader.optionalNumber('n_features_in_') ?? tree.nFeatures, tree, allowNaN);
  }

  predict(X: EstimatorInput): Float64Array {
    const rows = toFloat32Rows(X, shortName(this.pythonClass), this.allowNaN);
    const { tree } = this;
    const stride = tree.maxNClasses; // values[leaf, 0, 0] with n_outputs == 1
    const out = new Float64Array(rows.rows);
    for (let r = 0; r < rows.rows; r++) out[r] = tree.values[tree.leaf(rows.data, r * rows.cols) * stride];
    return out;
  }
}
