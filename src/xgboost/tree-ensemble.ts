import { XGBoostUnsupportedError } from './errors';
import type { Fields } from './model-fields';

/** Rows evaluated together, tree after tree. */
const BLOCK_ROWS = 64;

/** Category codes are below 2^24 (`common::InvalidCat`: a float32 holds them exactly). */
const MAX_CATEGORY = 1 << 24;

/**
 * All trees of a `gbtree` booster in flat arrays (one index space for every node of every tree),
 * evaluated the way XGBoost's CPU predictor does (1.7 and 3.x `src/predictor/cpu_predictor.cc`,
 * `src/tree/tree_model.cc` `RegTree::GetNext`):
 * - a missing value (NaN, or the wrapper's `missing`) follows `default_left`;
 * - otherwise `x < split_condition` goes left, else right, both as float32; at a categorical split
 *   the categories in the node's set go right, every other value left;
 * - a leaf's value is its `split_conditions` entry; each tree adds it to its output group
 *   (`tree_info`) in float32, tree after tree, starting from the base margin.
 */
export class TreeEnsemble {
  private constructor(
    readonly nTrees: number,
    readonly nNodes: number,
    /** Root node of each tree (global index). */
    private readonly roots: Int32Array,
    /** Output group (class) of each tree. */
    readonly treeGroup: Int32Array,
    /** Global left/right child index; -1 marks a leaf. */
    private readonly left: Int32Array,
    private readonly right: Int32Array,
    private readonly feature: Int32Array,
    /** Split condition of inner nodes, leaf value of leaves (float32). */
    private readonly value: Float32Array,
    private readonly defaultLeft: Uint8Array,
    /** Categorical splits: per node, the offset of its category bitset in `catBits`, or -1. */
    private readonly catOffset: Int32Array,
    /** Per node, the bitset's length in 32-bit words. */
    private readonly catWords: Int32Array,
    private catBits: Uint32Array = new Uint32Array(0),
  ) {}

  /** True when some node splits on categories (`split_type` 1). */
  get hasCategorical(): boolean {
    return this.catBits.length > 0;
  }

  /**
   * Reads `trees` and `tree_info` of `learner.gradient_booster.model`, checking every index so that
   * evaluation cannot read outside the arrays or loop.
   *
   * @throws XGBoostModelError for arrays that disagree or indices out of range
   * @throws XGBoostUnsupportedError for vector leaves
   */
  static read(model: Fields, numFeature: number, numGroups: number): TreeEnsemble {
    const trees = model.objects('trees');
    const info = model.numbers('tree_info');
    if (info.length !== trees.length) throw model.error('tree_info', `has ${info.length} entries for ${trees.length} trees`);
    const sizes = trees.map((tree) => tree.child('tree_param').count('num_nodes'));
    const nNodes = sizes.reduce((a, b) => a + b, 0);
    const ensemble = new TreeEnsemble(
      trees.length, nNodes, new Int32Array(trees.length), new Int32Array(trees.length),
      new Int32Array(nNodes), new Int32Array(nNodes), new Int32Array(nNodes), new Float32Array(nNodes), new Uint8Array(nNodes),
      new Int32Array(nNodes).fill(-1), new Int32Array(nNodes),
    );
    let base = 0;
    trees.forEach((tree, t) => {
      const group = info[t];
      if (!Number.isInteger(group) || group < 0 || group >= numGroups) throw model.error(`tree_info[${t}]`, `is ${group}, outside the ${numGroups} output groups`);
      ensemble.treeGroup[t] = group;
      ensemble.roots[t] = base;
      ensemble.readTree(tree, base, sizes[t], numFeature);
      base += sizes[t];
    });
    return ensemble;
  }

  private readTree(tree: Fields, base: number, n: number, numFeature: number): void {
    const leafVector = tree.child('tree_param').has('size_leaf_vector') ? tree.child('tree_param').count('size_leaf_vector') : 0;
    if (leafVector > 1) {
      throw new XGBoostUnsupportedError(
        `${tree.source}: ${tree.path} has vector leaves (size_leaf_vector=${leafVector}, multi_strategy="multi_output_tree"), which are not supported; ` +
          'train with the default multi_strategy="one_output_per_tree".',
      );
    }
    const read = (name: string): ArrayLike<number> => {
      const array = tree.numbers(name);
      if (array.length !== n) throw tree.error(name, `has ${array.length} entries for num_nodes=${n}`);
      return array;
    };
    const arrays = {
      left: read('left_children'),
      right: read('right_children'),
      feature: read('split_indices'),
      value: read('split_conditions'),
      defaultLeft: read('default_left'),
    };
    const categorical = tree.has('split_type') ? this.readCategories(tree, base, n) : new Set<number>();
    const seen = new Uint8Array(n);
    // Walk from the root: every node reached once, children in range, so evaluation terminates.
    const stack = [0];
    while (stack.length > 0) {
      const i = stack.pop()!;
      if (seen[i] === 1) throw tree.error('left_children', `reaches node ${i} twice (not a tree)`);
      seen[i] = 1;
      const l = arrays.left[i];
      const g = base + i;
      this.value[g] = arrays.value[i];
      this.defaultLeft[g] = arrays.defaultLeft[i] ? 1 : 0;
      if (l === -1) {
        this.left[g] = -1;
        this.right[g] = -1;
        continue;
      }
      const r = arrays.right[i];
      const f = arrays.feature[i];
      if (!Number.isInteger(l) || !Number.isInteger(r) || l <= 0 || r <= 0 || l >= n || r >= n) {
        throw tree.error('left_children', `node ${i} has children ${l} and ${r}, outside 1..${n - 1}`);
      }
      if (!Number.isInteger(f) || f < 0 || f >= numFeature) throw tree.error('split_indices', `node ${i} splits on feature ${f}, but the model has ${numFeature} features`);
      if (categorical.has(i) !== (this.catOffset[g] >= 0)) throw tree.error('categories_nodes', `and split_type disagree on node ${i}`);
      this.left[g] = base + l;
      this.right[g] = base + r;
      this.feature[g] = f;
      stack.push(r, l);
    }
  }

  /**
   * Categorical splits (`split_type` 1): node `categories_nodes[k]` sends the
   * categories `categories[segments[k] .. + sizes[k]]` right and every other category left
   * (`common::Decision`); kept as one bitset per node, as XGBoost does.
   */
  private readCategories(tree: Fields, base: number, n: number): Set<number> {
    const types = tree.numbers('split_type');
    if (types.length !== n) throw tree.error('split_type', `has ${types.length} entries for num_nodes=${n}`);
    const nodes = tree.has('categories_nodes') ? tree.numbers('categories_nodes') : [];
    const segments = tree.has('categories_segments') ? tree.numbers('categories_segments') : [];
    const sizes = tree.has('categories_sizes') ? tree.numbers('categories_sizes') : [];
    const values = tree.has('categories') ? tree.numbers('categories') : [];
    if (segments.length !== nodes.length || sizes.length !== nodes.length) throw tree.error('categories_segments', `and categories_sizes do not match categories_nodes`);
    const seen = new Set<number>();
    for (let k = 0; k < nodes.length; k++) {
      const node = nodes[k];
      const start = segments[k];
      const size = sizes[k];
      if (!Number.isInteger(node) || node < 0 || node >= n || types[node] !== 1 || seen.has(node)) throw tree.error('categories_nodes', `entry ${k} (${node}) is not a categorical split node`);
      if (!Number.isInteger(start) || !Number.isInteger(size) || start < 0 || size < 0 || start + size > values.length) {
        throw tree.error('categories_segments', `entry ${k} leaves the ${values.length} categories`);
      }
      seen.add(node);
      let max = -1;
      for (let i = start; i < start + size; i++) {
        const c = values[i];
        if (!Number.isInteger(c) || c < 0 || c >= MAX_CATEGORY) throw tree.error('categories', `holds ${c}, not a category code in 0..${MAX_CATEGORY - 1}`);
        max = Math.max(max, c);
      }
      const words = (max >> 5) + 1;
      const offset = this.catBits.length;
      const bits = new Uint32Array(offset + words);
      bits.set(this.catBits);
      for (let i = start; i < start + size; i++) bits[offset + (values[i] >> 5)] |= 1 << (values[i] & 31);
      this.catBits = bits;
      this.catOffset[base + node] = offset;
      this.catWords[base + node] = words;
    }
    for (let i = 0; i < n; i++) {
      if (types[i] !== 0 && types[i] !== 1) throw tree.error('split_type', `node ${i} has split type ${types[i]}`);
      if (types[i] === 1 && !seen.has(i)) throw tree.error('categories_nodes', `misses the categorical node ${i}`);
    }
    return seen;
  }

  /** Whether a present value goes left at categorical node `node`: categories in its set go right. */
  private categoryGoesLeft(node: number, v: number): boolean {
    if (!(v >= 0) || v >= MAX_CATEGORY) return true; // negative or out-of-range codes are never in the set
    const c = Math.trunc(v);
    const word = c >> 5;
    if (word >= this.catWords[node]) return true;
    return (this.catBits[this.catOffset[node] + word] & (1 << (c & 31))) === 0;
  }

  /**
   * Adds the leaf values of trees `[0, treeEnd)` to `out` (`rows x groups`, float32, already
   * holding the base margin). `x` is row-major float32 with NaN for missing values.
   */
  accumulate(x: Float32Array, rows: number, cols: number, treeEnd: number, out: Float32Array, groups: number): void {
    const { left, right, feature, value, defaultLeft, roots, treeGroup, catOffset } = this;
    const categorical = this.hasCategorical;
    // Blocks of rows, tree by tree inside a block: one tree's nodes stay in cache for the whole block
    // (XGBoost's predictor does the same). Per row, trees are still added in order, so the float32
    // sums are XGBoost's.
    for (let start = 0; start < rows; start += BLOCK_ROWS) {
      const end = Math.min(rows, start + BLOCK_ROWS);
      for (let t = 0; t < treeEnd; t++) {
        const root = roots[t];
        const group = treeGroup[t];
        for (let r = start; r < end; r++) {
          const rowBase = r * cols;
          let node = root;
          if (categorical) {
            while (left[node] !== -1) {
              const v = x[rowBase + feature[node]];
              if (v !== v) node = defaultLeft[node] === 1 ? left[node] : right[node];
              else if (catOffset[node] >= 0) node = this.categoryGoesLeft(node, v) ? left[node] : right[node];
              else node = v < value[node] ? left[node] : right[node];
            }
          } else {
            while (left[node] !== -1) {
              const v = x[rowBase + feature[node]];
              if (v !== v) node = defaultLeft[node] === 1 ? left[node] : right[node];
              else node = v < value[node] ? left[node] : right[node];
            }
          }
          out[r * groups + group] += value[node];
        }
      }
    }
  }
}
