import { EstimatorInputError } from '../sklearn/errors';
import type { EstimatorInput } from '../sklearn/matrix';

/**
 * Rows as XGBoost sees them (its DMatrix / inplace_predict): values cast to float32, with NaN for
 * missing values. A value equal (in float32) to `missing` is missing too (the scikit-learn
 * wrapper's `missing=-999.0`). Cells a CSR matrix does not store are missing, as in XGBoost --
 * not zero as in scikit-learn. Infinities are ordinary values (they go right of every split).
 *
 * @param missing the wrapper's `missing` (NaN by default)
 * @throws EstimatorInputError for text input or a row width other than `numFeature`
 */
export function toXGBoostRows(X: EstimatorInput, numFeature: number, missing: number, estimator: string): Float32Array {
  if (Array.isArray(X)) throw new EstimatorInputError(`${estimator} takes rows of numbers, not text; put a vectorizer in front of it (a Pipeline).`);
  const matrix = X as Exclude<EstimatorInput, readonly string[]>;
  if (matrix.cols !== numFeature) {
    throw new EstimatorInputError(`${estimator}: X has ${matrix.cols} features, but the booster was trained with ${numFeature} (num_feature). Give rows of exactly ${numFeature} numbers.`);
  }
  let data: Float32Array;
  if (matrix.kind === 'dense') {
    data = new Float32Array(matrix.data);
  } else {
    data = new Float32Array(matrix.rows * matrix.cols).fill(NaN);
    for (let r = 0; r < matrix.rows; r++) {
      for (let k = matrix.indptr[r]; k < matrix.indptr[r + 1]; k++) data[r * matrix.cols + matrix.indices[k]] = matrix.data[k];
    }
  }
  const marker = Math.fround(missing);
  if (!Number.isNaN(marker)) {
    for (let i = 0; i < data.length; i++) if (data[i] === marker) data[i] = NaN;
  }
  return data;
}
