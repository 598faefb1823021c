import { FlatForest, floorFloat32 } from '../../../src/sklearn/ensemble/flat-forest';
import { TREE_LEAF, type TreeStructure } from '../../../src/sklearn/tree/tree-structure';

/** The float32 neighbours of `x` (one step down and up) and x itself. */
function around(x: number): number[] {
  const f = new Float32Array([x]);
  const u = new Int32Array(f.buffer);
  const out: number[] = [f[0]];
  for (const step of [-1, 1]) {
    u[0] += step;
    out.push(f[0]);
    u[0] -= step;
  }
  return out.filter((v) => Number.isFinite(v));
}

describe('floorFloat32: float64 thresholds kept as float32 without changing a comparison', () => {
  it('is the largest float32 not above t', () => {
    expect(floorFloat32(0.1)).toBe(Math.fround(0.1) > 0.1 ? 0.09999999403953552 : Math.fround(0.1));
    expect(floorFloat32(0.5)).toBe(0.5);
    expect(floorFloat32(1e-50)).toBe(0);
    expect(floorFloat32(-1e-50)).toBeLessThan(0);
    expect(floorFloat32(3.5e38)).toBe(3.4028234663852886e38);
    expect(floorFloat32(-3.5e38)).toBe(-Infinity);
  });

  it('x <= t and x <= floorFloat32(t) agree for float32 x next to t, on 20,000 thresholds', () => {
    let seed = 7;
    const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296);
    const thresholds = [0, -0, 1e-45, -1e-45, 2.5, -2.5, 1e30, -1e30];
    for (let i = 0; i < 20000; i++) thresholds.push((rand() - 0.5) * 10 ** Math.floor(rand() * 12 - 6));
    // sklearn's thresholds are midpoints of two float32 values: those too
    for (let i = 0; i < 2000; i++) {
      const a = Math.fround((rand() - 0.5) * 100);
      thresholds.push((a + around(a)[2]) / 2);
    }
    for (const t of thresholds) {
      const low = floorFloat32(t);
      expect(Math.fround(low)).toBe(low);
      for (const x of [...around(t), ...around(low)]) expect([t, x, x <= low]).toEqual([t, x, x <= t]);
    }
  });
});

/** A random full-ish tree over `nFeatures` columns, as the fields FlatForest reads. */
function randomTree(rand: () => number, nFeatures: number): TreeStructure {
  const left: number[] = [];
  const right: number[] = [];
  const feature: number[] = [];
  const threshold: number[] = [];
  const nanLeft: number[] = [];
  // sklearn's depth-first order: a node, then its left subtree, then its right one
  const grow = (depth: number): number => {
    const id = left.length;
    left.push(TREE_LEAF);
    right.push(TREE_LEAF);
    feature.push(-2);
    threshold.push(-2);
    nanLeft.push(0);
    if (depth < 9 && rand() < 0.8) {
      feature[id] = Math.floor(rand() * nFeatures);
      threshold[id] = (rand() - 0.5) * 4;
      nanLeft[id] = rand() < 0.5 ? 1 : 0;
      left[id] = grow(depth + 1);
      right[id] = grow(depth + 1);
    }
    return id;
  };
  grow(0);
  const tree = {
    nodeCount: left.length,
    left: Int32Array.from(left),
    right: Int32Array.from(right),
    feature: Int32Array.from(feature),
    threshold: Float64Array.from(threshold),
    missingGoToLeft: Uint8Array.from(nanLeft),
  };
  return tree as unknown as TreeStructure;
}

describe('FlatForest.leaves: four walks at a time', () => {
  it('reaches the leaf each tree reaches alone, NaN included, for forests of 1 to 11 trees', () => {
    let seed = 11;
    const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296);
    const nFeatures = 6;
    for (let nTrees = 1; nTrees <= 11; nTrees++) {
      const forest = new FlatForest(Array.from({ length: nTrees }, () => randomTree(rand, nFeatures)));
      const out = new Int32Array(nTrees);
      const rows = new Float32Array(nFeatures * 200).map(() => (rand() < 0.1 ? NaN : (rand() - 0.5) * 4));
      for (let r = 0; r < 200; r++) {
        forest.leaves(rows, r * nFeatures, out);
        const alone = Array.from({ length: nTrees }, (_, t) => forest.leaf(t, rows, r * nFeatures));
        expect(Array.from(out)).toEqual(alone);
      }
      // every walk ends at a leaf of its own tree
      for (let t = 0; t < nTrees; t++) expect(out[t] >= forest.offsets[t] && (t + 1 === nTrees || out[t] < forest.offsets[t + 1])).toBe(true);
    }
  });
});
