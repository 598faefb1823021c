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
   * Every node's fields side by side, 16 bytes a node over one buffer, so a step of the walk reads
   * one cache line (four separate arrays cost up to four misses per level once the HTTP stack has
   * evicted the forest between two requests; docs/performance.md), and a left child -- the next node
   * in sklearn's depth-first order -- usually shares it. Node i, as int32: `[4i]` the split feature,
   * or -1 at leaves (one read tells "leaf?" and "which column"), `[4i + 1]` the left child (absolute),
   * its sign bit set when a NaN goes left (`missing_go_to_left`; right in files without it, which
   * only see NaN-free rows), `[4i + 2]` the right child; as float32, `[4i + 3]` the threshold rounded
   * down to a float32 ({@link floorFloat32}): for the float32 inputs trees compare, `x <= t` and
   * `x <= floorFloat32(t)` are the same test, so the walk is sklearn's bit for bit.
   */
  private readonly ints: Int32Array;
  private readonly floats: Float32Array;
  /** Leaves of one row, reused by {@link sum} (scoring is synchronous). */
  private readonly scratchLeaves: Int32Array;

  constructor(readonly trees: readonly TreeStructure[]) {
    this.nTrees = trees.length;
    this.offsets = new Int32Array(trees.length);
    let total = 0;
    trees.forEach((tree, t) => {
      this.offsets[t] = total;
      total += tree.nodeCount;
    });
    this.nodeCount = total;
    this.scratchLeaves = new Int32Array(trees.length);
    const buffer = new ArrayBuffer(16 * total);
    this.ints = new Int32Array(buffer);
    this.floats = new Float32Array(buffer);
    trees.forEach((tree, t) => {
      const base = this.offsets[t];
      for (let i = 0; i < tree.nodeCount; i++) {
        const leaf = tree.left[i] === TREE_LEAF;
        const n = base + i;
        const nanLeft = (tree.missingGoToLeft?.[i] ?? 0) !== 0;
        this.ints[4 * n] = leaf ? -1 : tree.feature[i];
        this.ints[4 * n + 1] = leaf ? 0 : (base + tree.left[i]) | (nanLeft ? NAN_LEFT : 0);
        this.ints[4 * n + 2] = leaf ? 0 : base + tree.right[i];
        this.floats[4 * n + 3] = leaf ? 0 : floorFloat32(tree.threshold[i]);
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
    let f = ints[4 * node];
    while (f >= 0) {
      const v = x[offset + f];
      const left = ints[4 * node + 1];
      // NaN fails both comparisons and goes where the node says (the sign bit of `left`)
      node = v <= floats[4 * node + 3] ? left & ~NAN_LEFT : v > floats[4 * node + 3] || left >= 0 ? ints[4 * node + 2] : left & ~NAN_LEFT;
      f = ints[4 * node];
    }
    return node;
  }

  /**
   * The leaf every tree reaches for the float32 row at `offset` of `x`, into `out[t]`: the same
   * leaves as {@link leaf}, found four trees at a time. The four walks are independent, so the
   * processor fetches their nodes side by side instead of waiting for one node after another: when
   * the HTTP stack has evicted the forest between two requests, each step of a walk is a cache miss,
   * and four misses in flight cost about what one does.
   */
  leaves(x: Float32Array, offset: number, out: Int32Array): void {
    const { ints, floats, offsets } = this;
    const n = this.nTrees;
    let t = 0;
    for (; t + 4 <= n; t += 4) {
      let a = offsets[t];
      let b = offsets[t + 1];
      let c = offsets[t + 2];
      let d = offsets[t + 3];
      let fa = ints[4 * a];
      let fb = ints[4 * b];
      let fc = ints[4 * c];
      let fd = ints[4 * d];
      // Leaves are -1 (every bit set), so the AND is negative only once all four walks are at a leaf.
      while ((fa & fb & fc & fd) >= 0) {
        if (fa >= 0) {
          a = step(ints, floats, a, x[offset + fa]);
          fa = ints[4 * a];
        }
        if (fb >= 0) {
          b = step(ints, floats, b, x[offset + fb]);
          fb = ints[4 * b];
        }
        if (fc >= 0) {
          c = step(ints, floats, c, x[offset + fc]);
          fc = ints[4 * c];
        }
        if (fd >= 0) {
          d = step(ints, floats, d, x[offset + fd]);
          fd = ints[4 * d];
        }
      }
      out[t] = a;
      out[t + 1] = b;
      out[t + 2] = c;
      out[t + 3] = d;
    }
    for (; t < n; t++) out[t] = this.leaf(t, x, offset);
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
    const leaves = this.scratchLeaves;
    this.leaves(x, offset, leaves);
    let total = 0;
    for (let t = 0; t < this.nTrees; t++) total += nodeValues[leaves[t]];
    return total;
  }
}

/** One step of a walk from internal node `node` for the value `v` (the test {@link FlatForest.leaf} makes). */
function step(ints: Int32Array, floats: Float32Array, node: number, v: number): number {
  const left = ints[4 * node + 1];
  // NaN fails both comparisons and goes where the node says (the sign bit of `left`)
  return v <= floats[4 * node + 3] ? left & ~NAN_LEFT : v > floats[4 * node + 3] || left >= 0 ? ints[4 * node + 2] : left & ~NAN_LEFT;
}

/** Sign bit of a node's left-child field: a NaN goes left there. */
const NAN_LEFT = 1 << 31;

const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);

/**
 * The largest float32 not above `t`. For every float32 `x`, `x <= t` exactly when
 * `x <= floorFloat32(t)` (any float32 at most t is at most the largest such), which lets the trees'
 * float64 thresholds live in 4 bytes without changing one comparison.
 */
export function floorFloat32(t: number): number {
  F32[0] = t; // round to nearest
  if (!(F32[0] > t)) return F32[0];
  // rounded up: step one float32 down (towards -infinity)
  if (F32[0] === 0) {
    U32[0] = 0x80000001; // -0 would compare equal to 0: the smallest negative subnormal
  } else if (F32[0] > 0) U32[0] -= 1;
  else U32[0] += 1;
  return F32[0];
}
