import type { Label } from '../base';
import { denseMatrix, type DenseMatrix } from '../matrix';
import type { Float32Rows } from './float32-input';
import { argmax, numpySum } from './numpy-math';
import type { TreeStructure } from './tree-structure';

/**
 * Per-leaf answers of one single-output classification tree, computed once at load exactly as
 * sklearn computes them per call (1.2.1 `sklearn/tree/_classes.py`, `DecisionTreeClassifier`):
 * - `proba`: `value[leaf, 0, :n_classes] / value.sum()` (a zero sum divides by 1), for `predict_proba`;
 * - `winner`: `argmax(value[leaf, 0, :])` on the raw weighted counts, for `predict`.
 */
export class ClassifierLeaves {
  readonly proba: Float64Array;
  readonly winner: Int32Array;

  constructor(
    readonly tree: TreeStructure,
    readonly nClasses: number,
  ) {
    const { nodeCount, values, maxNClasses } = tree;
    this.proba = new Float64Array(nodeCount * nClasses);
    this.winner = new Int32Array(nodeCount);
    for (let node = 0; node < nodeCount; node++) {
      const at = node * maxNClasses;
      let normalizer = numpySum(values, at, nClasses);
      if (normalizer === 0) normalizer = 1;
      for (let c = 0; c < nClasses; c++) this.proba[node * nClasses + c] = values[at + c] / normalizer;
      this.winner[node] = argmax(values, at, maxNClasses);
    }
  }

  predictProba(X: Float32Rows): DenseMatrix {
    const { nClasses, proba, tree } = this;
    const out = denseMatrix(X.rows, nClasses);
    for (let r = 0; r < X.rows; r++) {
      const leaf = tree.leaf(X.data, r * X.cols);
      out.data.set(proba.subarray(leaf * nClasses, (leaf + 1) * nClasses), r * nClasses);
    }
    return out;
  }

  predict(X: Float32Rows, classes: readonly Label[]): Label[] {
    const labels = new Array<Label>(X.rows);
    for (let r = 0; r < X.rows; r++) labels[r] = classes[this.winner[this.tree.leaf(X.data, r * X.cols)]];
    return labels;
  }
}
