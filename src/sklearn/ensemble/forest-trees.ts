import type { PyValue } from '../../pickle/python-value';
import type { BuildContext } from '../base';
import { EstimatorStateError } from '../errors';
import { StateReader } from '../state-reader';
import { TreeStructure } from '../tree/tree-structure';

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
