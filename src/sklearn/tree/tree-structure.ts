import type { PyValue } from '../../pickle/python-value';
import { EstimatorStateError, UnsupportedEstimatorError } from '../errors';
import { StateReader, toNumber } from '../state-reader';

/** `sklearn.tree._tree.TREE_LEAF`: the child index of a leaf. */
export const TREE_LEAF = -1;

/**
 * A fitted `sklearn.tree._tree.Tree` as flat typed arrays, built once at load so that the walk is a
 * tight loop over `Int32Array`/`Float64Array` (no objects per node).
 *
 * The Cython class pickles through `__reduce__` as `Tree(n_features, n_classes, n_outputs)` plus a
 * state dict `{max_depth, node_count, nodes, values}`; `nodes` is a structured array with fields
 * `left_child, right_child, feature, threshold, impurity, n_node_samples, weighted_n_node_samples`
 * (scikit-learn 1.2.1 `sklearn/tree/_tree.pyx`, `Tree.__reduce__` / `__setstate__`); from 1.3 the
 * nodes also carry `missing_go_to_left` (uint8), where a NaN goes at that split. Files without it
 * (1.2 and older) route as before; whether NaN may reach the walk at all is the estimator's
 * version rule (`missing-values.ts`).
 *
 * Nodes are checked at load: children must point forward (sklearn's builders always append a node
 * after its parent), so a hostile file cannot make the walk loop forever or read out of bounds.
 */
export class TreeStructure {
  private constructor(
    readonly nodeCount: number,
    readonly left: Int32Array,
    readonly right: Int32Array,
    readonly feature: Int32Array,
    readonly threshold: Float64Array,
    /** `n_node_samples` per node, read on first use (only IsolationForest needs the leaf sizes). */
    private readonly readNodeSamples: () => Float64Array,
    /** `value`, shape (node_count, n_outputs, max_n_classes), row-major. */
    readonly values: Float64Array,
    readonly nOutputs: number,
    readonly maxNClasses: number,
    readonly nFeatures: number,
    /** `n_classes` per output (1 for regression). */
    readonly nClasses: readonly number[],
    /** `missing_go_to_left` per node (1.3+ files), undefined for older files. */
    readonly missingGoToLeft: Uint8Array | undefined,
  ) {}

  /**
   * Reads a pickled `Tree`.
   * @param what names the tree in messages, e.g. `RandomForestClassifier.estimators_[3].tree_`
   * @throws EstimatorStateError when the arrays are missing, mis-shaped or inconsistent
   */
  static fromPickle(value: PyValue, what: string): TreeStructure {
    const reader = StateReader.of(value, what);
    const args = (value as { args: readonly PyValue[] }).args;
    const nFeatures = toNumber(args[0]);
    const nOutputs = toNumber(args[2]);
    if (nFeatures === undefined || nOutputs === undefined || !(nFeatures >= 1) || !(nOutputs >= 1)) {
      throw new EstimatorStateError(`${what}: Tree(n_features, n_classes, n_outputs) arguments are missing or invalid`);
    }
    const nClasses = Array.from(floats(args[1], what));
    const nodeCount = reader.number('node_count');
    const nodes = reader.array('nodes');
    if (nodes.shape.length !== 1 || nodes.shape[0] !== nodeCount || nodeCount < 1) {
      throw new EstimatorStateError(`${what}.nodes: expected ${nodeCount} nodes, got shape (${nodes.shape.join(', ')})`);
    }
    const left = Int32Array.from(nodes.field('left_child').toFloat64());
    const right = Int32Array.from(nodes.field('right_child').toFloat64());
    const feature = Int32Array.from(nodes.field('feature').toFloat64());
    const threshold = nodes.field('threshold').toFloat64();
    const missingGoToLeft = nodes.dtype.fields?.has('missing_go_to_left') ? Uint8Array.from(nodes.field('missing_go_to_left').toFloat64()) : undefined;
    let nodeSamples: Float64Array | undefined;
    const nNodeSamples = () => (nodeSamples ??= nodes.field('n_node_samples').toFloat64());
    const valuesArray = reader.array('values');
    const values = valuesArray.toFloat64();
    const maxNClasses = valuesArray.shape[2] ?? 1;
    if (valuesArray.shape[0] !== nodeCount || valuesArray.shape[1] !== nOutputs || values.length !== nodeCount * nOutputs * maxNClasses) {
      throw new EstimatorStateError(`${what}.values: shape (${valuesArray.shape.join(', ')}) does not match ${nodeCount} nodes and ${nOutputs} outputs`);
    }
    for (let i = 0; i < nodeCount; i++) {
      if (left[i] === TREE_LEAF) continue;
      if (!(left[i] > i && left[i] < nodeCount && right[i] > i && right[i] < nodeCount && feature[i] >= 0 && feature[i] < nFeatures)) {
        throw new EstimatorStateError(`${what}.nodes[${i}]: children (${left[i]}, ${right[i]}) or feature ${feature[i]} out of range`);
      }
    }
    return new TreeStructure(nodeCount, left, right, feature, threshold, nNodeSamples, values, nOutputs, maxNClasses, nFeatures, nClasses, missingGoToLeft);
  }

  /** `n_node_samples` per node. */
  get nNodeSamples(): Float64Array {
    return this.readNodeSamples();
  }

  /**
   * The leaf reached by the row starting at `offset` of a float32 matrix (sklearn's `Tree.apply`:
   * `X[i, feature] <= threshold` goes left, comparing the float32 value with the float64 threshold;
   * a NaN goes left where `missing_go_to_left` says so, else right).
   */
  leaf(x: Float32Array, offset: number): number {
    const { left, right, feature, threshold, missingGoToLeft } = this;
    let node = 0;
    while (left[node] !== TREE_LEAF) {
      const v = x[offset + feature[node]];
      node = v <= threshold[node] ? left[node] : v > threshold[node] || missingGoToLeft === undefined || missingGoToLeft[node] === 0 ? right[node] : left[node];
    }
    return node;
  }

  /** Number of nodes on the path from the root to `leaf`, root and leaf included (`decision_path` row sum). */
  pathLengths(): Float64Array {
    const nodes = new Float64Array(this.nodeCount);
    nodes[0] = 1;
    for (let i = 0; i < this.nodeCount; i++) {
      if (this.left[i] === TREE_LEAF) continue;
      nodes[this.left[i]] = nodes[i] + 1;
      nodes[this.right[i]] = nodes[i] + 1;
    }
    return nodes;
  }

  /** A copy whose split features index the full input through `features` (bagging's feature subsets). */
  withFeatureMap(features: ArrayLike<number>, nFeaturesIn: number, what: string): TreeStructure {
    const feature = new Int32Array(this.feature);
    for (let i = 0; i < this.nodeCount; i++) {
      if (this.left[i] === TREE_LEAF) continue;
      const mapped = features[feature[i]];
      if (!(mapped >= 0 && mapped < nFeaturesIn)) throw new EstimatorStateError(`${what}: feature subset maps ${feature[i]} to ${mapped}`);
      feature[i] = mapped;
    }
    return new TreeStructure(
      this.nodeCount, this.left, this.right, feature, this.threshold, this.readNodeSamples, this.values,
      this.nOutputs, this.maxNClasses, nFeaturesIn, this.nClasses, this.missingGoToLeft,
    );
  }

  /** Refuses multi-output trees, which the estimators here do not evaluate. */
  requireSingleOutput(pythonClass: string, sklearnVersion: string | undefined): void {
    if (this.nOutputs !== 1) {
      throw new UnsupportedEstimatorError(pythonClass, sklearnVersion, `multi-output trees (n_outputs_=${this.nOutputs}) are not supported`);
    }
  }
}

function floats(value: PyValue | undefined, what: string): Float64Array {
  const reader = new StateReader(new Map([['n_classes', value ?? null]]), what);
  return reader.float64('n_classes');
}
