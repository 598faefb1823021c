import type { PyValue } from '../../pickle/python-value';
import type { BuildContext, Estimator, Label } from '../base';
import { EstimatorStateError } from '../errors';
import { denseMatrix, type DenseMatrix, type EstimatorInput } from '../matrix';
import { StateReader, shortName } from '../state-reader';
import { ClassifierLeaves } from '../tree/classifier-leaves';
import { toFloat32Rows } from '../tree/float32-input';
import { argmax } from '../tree/numpy-math';
import { FlatForest } from './flat-forest';
import { forestRoutesMissingValues, readMemberTrees } from './forest-trees';

/** The pickled `__dict__` attributes read here (scikit-learn 1.2.1 names). */
export interface ForestClassifierState {
  estimators_: PyValue[];
  classes_: PyValue;
  n_features_in_: number;
}

/**
 * `RandomForestClassifier` and `ExtraTreesClassifier` (sklearn's `ForestClassifier`), following
 * 1.2.1 `sklearn/ensemble/_forest.py`: `predict_proba` adds each tree's normalised leaf
 * probabilities in tree order (`_accumulate_prediction`: `out += prediction`) then divides by the
 * number of trees; `predict` is `classes_[argmax(predict_proba)]`. Single-output only.
 */
export class ForestClassifier implements Estimator {
  static readonly pythonNames = [
    'sklearn.ensemble._forest.RandomForestClassifier',
    'sklearn.ensemble.forest.RandomForestClassifier',
    'sklearn.ensemble._forest.ExtraTreesClassifier',
    'sklearn.ensemble.forest.ExtraTreesClassifier',
  ];

  private constructor(
    readonly pythonClass: string,
    readonly nFeaturesIn: number,
    readonly classes: readonly Label[],
    private readonly forest: FlatForest,
    /** Normalised leaf probabilities, `nClasses` per absolute node. */
    private readonly proba: Float64Array,
    /** Whether NaN is routed (`missing_go_to_left`) or refused, by the file's version. */
    private readonly allowNaN: boolean,
  ) {}

  /** Leaves of one row, reused (scoring is synchronous). */
  private leafScratch: Int32Array | undefined;

  static fromState(state: Map<string, PyValue>, pythonClass: string, context: BuildContext): ForestClassifier {
    const name = shortName(pythonClass);
    const reader = new StateReader(state, pythonClass);
    const classes = reader.labels('classes_');
    const members = reader.list('estimators_');
    const trees = readMemberTrees(members, name, pythonClass, context);
    const nClasses = classes.length;
    const forest = new FlatForest(trees);
    const proba = new Float64Array(forest.nodeCount * nClasses);
    trees.forEach((tree, t) => {
      if (tree.nClasses[0] !== nClasses) throw new EstimatorStateError(`${name}.estimators_[${t}] has ${tree.nClasses[0]} classes, classes_ has ${nClasses}`);
      proba.set(new ClassifierLeaves(tree, nClasses).proba, forest.offsets[t] * nClasses);
    });
    const allowNaN = forestRoutesMissingValues(state, members, trees, pythonClass, context);
    return new ForestClassifier(pythonClass, reader.optionalNumber('n_features_in_') ?? trees[0].nFeatures, classes, forest, proba, allowNaN);
  }

  predictProba(X: EstimatorInput): DenseMatrix {
    const rows = toFloat32Rows(X, shortName(this.pythonClass), this.allowNaN);
    const nClasses = this.classes.length;
    const out = denseMatrix(rows.rows, nClasses);
    const { forest, proba } = this;
    if (rows.rows === 1) {
      // One row (the server's case): every tree's leaf found four walks at a time, summed in tree order.
      const leaves = (this.leafScratch ??= new Int32Array(forest.nTrees));
      forest.leaves(rows.data, 0, leaves);
      for (let t = 0; t < forest.nTrees; t++) {
        const leaf = leaves[t] * nClasses;
        for (let c = 0; c < nClasses; c++) out.data[c] += proba[leaf + c];
      }
    } else {
      // Tree by tree over all rows (cache-friendly); each cell still sums in tree order.
      for (let t = 0; t < forest.nTrees; t++) {
        for (let r = 0; r < rows.rows; r++) {
          const leaf = forest.leaf(t, rows.data, r * rows.cols) * nClasses;
          const at = r * nClasses;
          for (let c = 0; c < nClasses; c++) out.data[at + c] += proba[leaf + c];
        }
      }
    }
    for (let i = 0; i < out.data.length; i++) out.data[i] /= forest.nTrees;
    return out;
  }

  predict(X: EstimatorInput): Label[] {
    const proba = this.predictProba(X);
    const nClasses = this.classes.length;
    return Array.from({ length: proba.rows }, (_, r) => this.classes[argmax(proba.data, r * nClasses, nClasses)]);
  }
}
