import type { PyValue } from '../../pickle/python-value';
import type { BuildContext, Estimator } from '../base';
import type { EstimatorInput } from '../matrix';
import { StateReader, shortName } from '../state-reader';
import { toFloat32Rows } from '../tree/float32-input';
import { FlatForest } from './flat-forest';
import { forestRoutesMissingValues, readMemberTrees } from './forest-trees';

/** The pickled `__dict__` attributes read here (scikit-learn 1.2.1 names). */
export interface ForestRegressorState {
  estimators_: PyValue[];
  n_features_in_: number;
}

/**
 * `RandomForestRegressor` and `ExtraTreesRegressor` (sklearn's `ForestRegressor`): the leaf values
 * summed in tree order, then divided by the number of trees (1.2.1 `_forest.py`, `predict`).
 */
export class ForestRegressor implements Estimator {
  static readonly pythonNames = [
    'sklearn.ensemble._forest.RandomForestRegressor',
    'sklearn.ensemble.forest.RandomForestRegressor',
    'sklearn.ensemble._forest.ExtraTreesRegressor',
    'sklearn.ensemble.forest.ExtraTreesRegressor',
  ];

  private constructor(
    readonly pythonClass: string,
    readonly nFeaturesIn: number,
    private readonly forest: FlatForest,
    private readonly leafValues: Float64Array,
    /** Whether NaN is routed (`missing_go_to_left`) or refused, by the file's version. */
    private readonly allowNaN: boolean,
  ) {}

  static fromState(state: Map<string, PyValue>, pythonClass: string, context: BuildContext): ForestRegressor {
    const reader = new StateReader(state, pythonClass);
    const members = reader.list('estimators_');
    const trees = readMemberTrees(members, shortName(pythonClass), pythonClass, context);
    const forest = new FlatForest(trees);
    const leafValues = forest.table((tree, node) => tree.values[node * tree.maxNClasses]);
    const allowNaN = forestRoutesMissingValues(state, members, trees, pythonClass, context);
    return new ForestRegressor(pythonClass, reader.optionalNumber('n_features_in_') ?? trees[0].nFeatures, forest, leafValues, allowNaN);
  }

  predict(X: EstimatorInput): Float64Array {
    const rows = toFloat32Rows(X, shortName(this.pythonClass), this.allowNaN);
    const out = new Float64Array(rows.rows);
    if (rows.rows === 1) out[0] = this.forest.sum(this.leafValues, rows.data, 0);
    else this.forest.addLeafValues(this.leafValues, rows.data, rows.rows, rows.cols, out);
    for (let r = 0; r < rows.rows; r++) out[r] /= this.forest.nTrees;
    return out;
  }
}
