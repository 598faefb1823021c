import type { Estimator, Label } from '../base';
import type { DenseMatrix, EstimatorInput } from '../matrix';
import { argmaxRows } from '../linear/numeric-input';
import { pairwiseSum } from '../linear/activations';

/**
 * sklearn's `_BaseNB` (sklearn/naive_bayes.py, 1.2.1): subclasses compute the joint log-likelihood;
 * `predict` takes its first arg-max, `predict_proba` is `exp(jll - logsumexp(jll))` with scipy's
 * `logsumexp` (shifted by the row max, pairwise row sum).
 */
export abstract class NaiveBayes implements Estimator {
  abstract readonly pythonClass: string;
  abstract readonly nFeaturesIn: number;
  /** `classes_` */
  abstract readonly classes: Label[];

  /** (n_samples, n_classes) */
  protected abstract jointLogLikelihood(X: EstimatorInput): DenseMatrix;

  predict(X: EstimatorInput): Label[] {
    return Array.from(argmaxRows(this.jointLogLikelihood(X)), (i) => this.classes[i]);
  }

  predictProba(X: EstimatorInput): DenseMatrix {
    const jll = this.jointLogLikelihood(X);
    const { rows, cols, data } = jll;
    const tmp = new Float64Array(cols);
    for (let r = 0; r < rows; r++) {
      const o = r * cols;
      let max = -Infinity;
      for (let c = 0; c < cols; c++) max = Math.max(max, data[o + c]);
      if (!Number.isFinite(max)) max = 0;
      for (let c = 0; c < cols; c++) tmp[c] = Math.exp(data[o + c] - max);
      const logSum = Math.log(pairwiseSum(tmp, 0, cols)) + max;
      for (let c = 0; c < cols; c++) data[o + c] = Math.exp(data[o + c] - logSum);
    }
    return jll;
  }
}
