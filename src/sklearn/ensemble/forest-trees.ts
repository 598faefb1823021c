import type { PyValue } from '../../pickle/python-value';
import type { BuildContext } from '../base';
import { EstimatorStateError } from '../errors';
import { PyObject } from '../../pickle/python-value';
import { StateReader, stringKeyed } from '../state-reader';
import { routesMissingValues, treeKindOf, treeParams } from '../tree/missing-values';
import { TreeStructure } from '../tree/tree-structure';
import { stateVersion } from '../versions';

/**
 * Reads the `tree_` of every member of a fitted ensemble (`estimators_`), checking each is single-output.
 * @param owner short class name for messages, e.g. `RandomForestClassifier`
 */
export function readMemberTrees(members: readonly PyValue[], owner: string, pythonClass: string, context: BuildContext): TreeStructure[] {
  if (members.length === 0) throw new EstimatorStateError(`${owner}.estimators_ is empty: the file holds an unfitted estimator`);
  return members.map((member, i) => {
    const what = `${owner}.estimators_[${i}]`;
    const tree = TreeStructure.fromPickle(StateReader.of(member, what).value('tree_'), `${what}.tree_`);
    tree.requireSingleOutput(pythonClass, context.sklearnVersion);
    return tree;
  });
}

/**
 * Whether a forest (RandomForest*, ExtraTrees*) routes NaN: from 1.4, as its first member tree
 * would (`_forest.py` `_validate_X_predict` asks `estimators_[0]._support_missing_values`), at the
 * forest's `_sklearn_version` (see `tree/missing-values.ts`).
 */
export function forestRoutesMissingValues(
  state: ReadonlyMap<string, PyValue>,
  members: readonly PyValue[],
  trees: readonly TreeStructure[],
  pythonClass: string,
  context: BuildContext,
): boolean {
  const first = members[0];
  if (!(first instanceof PyObject)) return false;
  const version = stateVersion(state, context.sklearnVersion);
  return routesMissingValues(version, treeKindOf(first.className), treeParams(stringKeyed(first.dict())), trees, pythonClass, true);
}
