import type { PyValue } from '../../pickle/python-value';
import { UnsupportedEstimatorError } from '../errors';
import { pickByVersion, type SinceVersion } from '../versions';
import type { TreeStructure } from './tree-structure';

/**
 * Whether a tree-based estimator accepts NaN at predict time, by the version that wrote the file.
 *
 * scikit-learn decides it in `_validate_X_predict` (`ensure_all_finite="allow-nan"` when
 * `_support_missing_values(X)`, else NaN raises); a NaN that is accepted is routed at each split by
 * the node's `missing_go_to_left` (`sklearn/tree/_tree.pyx` `_apply_dense`, 1.3+). Infinity is
 * always refused. Sources: `sklearn/tree/_classes.py` (`_more_tags` / `__sklearn_tags__`,
 * `_support_missing_values`), `ensemble/_forest.py` (`_validate_X_predict` asks `estimators_[0]`),
 * `ensemble/_iforest.py`, at 1.2.1, 1.4.2 and 1.9.0, and the 1.3 and 1.6 changelogs (#26391, #27966).
 * Between verified versions we keep the older rule: at worst we refuse a NaN row that that
 * version's scikit-learn would have scored, never score one it refuses.
 */
export type TreeKind = 'decision-tree' | 'extra-tree' | 'isolation-forest';

/** The `__dict__` fields of a single tree (or of the forest's first member) the rules read. */
export interface TreeParams {
  readonly criterion: PyValue | undefined;
  readonly splitter: PyValue | undefined;
  readonly monotonic_cst: PyValue | undefined;
}

interface MissingValuesRule extends SinceVersion {
  readonly accepts: (kind: TreeKind, tree: TreeParams, inForest: boolean) => boolean;
}

/** Criteria whose splitters learnt missing-value routing in 1.3 (BestSplitter only). */
const CRITERIA_1_3 = new Set(['gini', 'log_loss', 'entropy', 'squared_error', 'friedman_mse', 'poisson']);

const bestSplitter13 = (tree: TreeParams): boolean =>
  tree.splitter === 'best' && typeof tree.criterion === 'string' && CRITERIA_1_3.has(tree.criterion) && (tree.monotonic_cst ?? null) === null;

const MISSING_VALUES_RULES: readonly MissingValuesRule[] = [
  // up to 1.2: every tree refuses NaN ("Input X contains NaN")
  { since: '0', accepts: () => false },
  // 1.3: DecisionTree* with the best splitter and a criterion above; forests still refuse
  { since: '1.3', accepts: (kind, tree, inForest) => !inForest && kind === 'decision-tree' && bestSplitter13(tree) },
  // 1.4: RandomForest* too (it asks its first member tree)
  { since: '1.4', accepts: (kind, tree) => kind === 'decision-tree' && bestSplitter13(tree) },
  // 1.6: the random splitter learnt missing values (ExtraTree*, ExtraTrees*)
  // (kept narrow: ExtraTree* with the random splitter and a 1.3 criterion, DecisionTree* as in 1.4)
  {
    since: '1.6',
    accepts: (kind, tree) =>
      kind === 'decision-tree'
        ? bestSplitter13(tree)
        : kind === 'extra-tree' && tree.splitter === 'random' && typeof tree.criterion === 'string' && CRITERIA_1_3.has(tree.criterion),
  },
  // 1.9.0 (read from its source): DecisionTree* always; ExtraTree* with splitter "random"; IsolationForest
  { since: '1.9', accepts: (kind, tree) => kind === 'decision-tree' || kind === 'isolation-forest' || tree.splitter === 'random' },
];

/**
 * True when scikit-learn `version` routes NaN for this tree instead of refusing it.
 * @param kind `decision-tree` for DecisionTree* (and RandomForest* members), `extra-tree` for
 *   ExtraTree* (and ExtraTrees* members), `isolation-forest` for IsolationForest itself
 * @param inForest whether the tree is a forest's member (forests follow their first member from 1.4)
 */
export function acceptsMissingValues(version: string | undefined, kind: TreeKind, tree: TreeParams, inForest = false): boolean {
  return pickByVersion(MISSING_VALUES_RULES, version).accepts(kind, tree, inForest);
}

/** `decision-tree` or `extra-tree` from a tree's Python class (`...ExtraTreeRegressor` -> `extra-tree`). */
export function treeKindOf(pythonClass: string): TreeKind {
  return pythonClass.includes('ExtraTree') ? 'extra-tree' : 'decision-tree';
}

/** The rule inputs of a tree's pickled `__dict__`. */
export function treeParams(state: ReadonlyMap<string, PyValue>): TreeParams {
  return { criterion: state.get('criterion'), splitter: state.get('splitter'), monotonic_cst: state.get('monotonic_cst') };
}

/**
 * {@link acceptsMissingValues}, checked against the trees' state: a version that routes NaN must
 * have written `missing_go_to_left` into every node array.
 * @throws UnsupportedEstimatorError naming the class, the attribute and the version when it did not
 */
export function routesMissingValues(
  version: string | undefined,
  kind: TreeKind,
  params: TreeParams,
  trees: readonly TreeStructure[],
  pythonClass: string,
  inForest = false,
): boolean {
  if (!acceptsMissingValues(version, kind, params, inForest)) return false;
  if (trees.some((tree) => tree.missingGoToLeft === undefined)) {
    throw new UnsupportedEstimatorError(
      pythonClass,
      version,
      `its tree_.nodes lack the field missing_go_to_left, which scikit-learn ${version} writes (NaN routing); ` +
        'the file\'s state does not match its version, so it is refused rather than guessed',
    );
  }
  return true;
}
