import { TREE_LEAF, type TreeStructure } from '../tree/tree-structure';

/**
 * Many trees concatenated into one flat buffer (child indices made absolute), so that
 * scoring a row is one tight loop without per-tree objects: the hot path of a 100-tree forest.
 * `nodeValues` tables passed to {@link sum} are indexed by the same absolute node numbers
 * (`offsets[t] + node`).
 */
export class FlatForest {
  readonly nTrees: number;
  readonly nodeCount: number;
  /** First absolute node index of each tree (its root). */
  readonly offsets: Int32Array;
  /**
   * Every node's fields side by side, 32 bytes a node over one buffer, so a step of the walk reads
   * one cache line (four separate arrays cost up to four misses per level once the HTTP stack has
   * evicted the forest between two requests; docs/performance.md). Node i, as int32:
   * `[8i]` the split feature, or -1 at leaves (one read tells "leaf?" and "which column"),
   * `[8i + 1]` left child, `[8i + 2]` right child (absolute), `[8i + 3]` where a NaN goes: 1 left,
   * 0 right (`missing_go_to_left`; right in files without it, which only see NaN-free rows);
   * as float64, `[4i + 2]` the threshold.
   */
  private readonly ints: Int32Array;
  private readonly floats: Float64Array;

  constructor(readonly trees: readonly TreeStructure[]) {
    this.nTrees = trees.length;
    this.offsets = new Int32Array(trees.length);
    let total = 0;
    trees.forEach((tree, t) => {
      this.offsets[t] = total;
      total += tree.nodeCount;
    });
    this.nodeCount = total;
    const buffer = new ArrayBuffer(32 * total);
    this.ints = new Int32Array(buffer);
    this.floats = new Float64Array(buffer);
    trees.forEach((tree, t) => {
      const base = this.offsets[t];
      for (let i = 0; i < tree.nodeCount; i++) {
        const leaf = tree.left[i] === TREE_LEAF;
        const n = base + i;
        this.ints[8 * n] = leaf ? -1 : tree.feature[i];
        this.ints[8 * n + 1] = leaf ? TREE_LEAF : base + tree.left[i];
        this.ints[8 * n + 2] = leaf ? TREE_LEAF : base + tree.right[i];
        this.ints[8 * n + 3] = tree.missingGoToLeft?.[i] ?? 0;
        this.floats[4 * n + 2] = tree.threshold[i];
      }
    });
  }

  /** Builds a per-node table from per-tree, per-local-node values. */
  table(valueOf: (tree: TreeStructure, node: number, t: number) => number): Float64Array {
    const out = new Float64Array(this.nodeCount);
    this.trees.forEach((tree, t) => {
      const base = this.offsets[t];
      for (let i = 0; i < tree.nodeCount; i++) out[base + i] = valueOf(tree, i, t);
    });
    return out;
  }

  /** The absolute leaf index tree `t` reaches for the float32 row at `offset` of `x`. */
  leaf(t: number, x: Float32Array, offset: number): number {
    const { ints, floats } = this;
    let node = this.offsets[t];
    let f = ints[8 * node];
    while (f >= 0) {
      const v = x[offset + f];
      const threshold = floats[4 * node + 2];
      // NaN fails both comparisons and goes where the node says
      node = v <= threshold ? ints[8 * node + 1] : v > threshold || ints[8 * node + 3] === 0 ? ints[8 * node + 2] : ints[8 * node + 1];
      f = ints[8 * node];
    }
    return node;
  }

  /**
   * `out[r] += v[leaf_t(row r)]` for every tree t in order, tree by tree over all rows (one tree's
   * nodes stay in cache, as in sklearn's per-tree loops); each row still sums in tree order.
   */
  addLeafValues(nodeValues: Float64Array, x: Float32Array, rows: number, cols: number, out: Float64Array, stride = 1, lane = (_t: number) => 0): void {
    for (let t = 0; t < this.nTrees; t++) {
      const column = lane(t);
      for (let r = 0; r < rows; r++) out[r * stride + column] += nodeValues[this.leaf(t, x, r * cols)];
    }
  }

  /** `((0 + v[leaf_0]) + v[leaf_1]) + ...`: the leaf values summed in tree order, as sklearn's `+=` loops do. */
  sum(nodeValues: Float64Array, x: Float32Array, offset: number): number {
    let total = 0;
    for (let t = 0; t < this.nTrees; t++) total += nodeValues[this.leaf(t, x, offset)];
    return total;
  }
}
