import type { PyValue } from '../../pickle/python-value';
import type { BuildContext, Estimator, Label } from '../base';
import { EstimatorStateError } from '../errors';
import type { DenseMatrix, EstimatorInput } from '../matrix';
import { StateReader, shortName } from '../state-reader';
import { ClassifierLeaves } from './classifier-leaves';
import { toFloat32Rows } from './float32-input';
import { routesMissingValues, treeKindOf, treeParams } from './missing-values';
import { TreeStructure } from './tree-structure';
import { stateVersion } from '../versions';

/** The pickled `__dict__` attributes read here (scikit-learn 1.2.1 names). */
export interface DecisionTreeClassifierState {
  tree_: PyValue;
  classes_: PyValue;
  n_features_in_?: number;
}

/**
 * `DecisionTreeClassifier` and its randomised twin `ExtraTreeClassifier` (a subclass with the same
 * prediction code): `predict` returns `classes_` labels with their Python type, `predict_proba` the
 * normalised leaf counts. Input is cast to float32 first, as sklearn does. Single-output only.
 */
export class DecisionTreeClassifier implements Estimator {
  static readonly pythonNames = [
    'sklearn.tree._classes.DecisionTreeClassifier',
    'sklearn.tree.tree.DecisionTreeClassifier',
    'sklearn.tree._classes.ExtraTreeClassifier',
    'sklearn.tree.tree.ExtraTreeClassifier',
  ];

  private constructor(
    readonly pythonClass: string,
    readonly nFeaturesIn: number,
    readonly classes: readonly Label[],
    private readonly leaves: ClassifierLeaves,
    /** Whether NaN is routed (`missing_go_to_left`) or refused, by the file's version and parameters. */
    private readonly allowNaN: boolean,
  ) {}

  static fromState(state: Map<string, PyValue>, pythonClass: string, context: BuildContext): DecisionTreeClassifier {
    const reader = new StateReader(state, pythonClass);
    const tree = TreeStructure.fromPickle(reader.value('tree_'), `${shortName(pythonClass)}.tree_`);
    tree.requireSingleOutput(pythonClass, context.sklearnVersion);
    const classes = reader.labels('classes_');
    if (classes.length !== tree.nClasses[0]) {
      throw new EstimatorStateError(`${shortName(pythonClass)}: ${classes.length} classes_ but the tree has ${tree.nClasses[0]}`);
    }
    const nFeaturesIn = reader.optionalNumber('n_features_in_') ?? tree.nFeatures;
    const version = stateVersion(state, context.sklearnVersion);
    const allowNaN = routesMissingValues(version, treeKindOf(pythonClass), treeParams(state), [tree], pythonClass);
    return new DecisionTreeClassifier(pythonClass, nFeaturesIn, classes, new ClassifierLeaves(tree, classes.length), allowNaN);
  }

  predict(X: EstimatorInput): Label[] {
    return this.leaves.predict(toFloat32Rows(X, shortName(this.pythonClass), this.allowNaN), this.classes);
  }

  predictProba(X: EstimatorInput): DenseMatrix {
    return this.leaves.predictProba(toFloat32Rows(X, shortName(this.pythonClass), this.allowNaN));
  }
}
