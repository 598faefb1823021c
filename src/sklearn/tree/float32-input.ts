import { EstimatorInputError } from '../errors';
import type { EstimatorInput } from '../matrix';

/** Rows of a matrix cast to float32, row-major: `data[row * cols + col]`. */
export interface Float32Rows {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float32Array;
}

/**
 * What every scikit-learn tree does first (`_validate_X_predict`: `check_array(X, dtype=np.float32)`):
 * cast X to float32 with round-to-nearest-even (the typed-array conversion is exactly `Math.fround`)
 * and refuse NaN and infinities -- including finite float64 values that overflow float32 -- as
 * sklearn's `force_all_finite=True` does, or only infinities where the estimator's version routes
 * NaN (`"allow-nan"`, see `missing-values.ts`). Sparse rows are densified (absent cells are 0).
 *
 * @param estimator short class name for messages
 * @param allowNaN true where this estimator, at the file's scikit-learn version, routes NaN
 * @throws EstimatorInputError for text input or non-finite values
 */
export function toFloat32Rows(X: EstimatorInput, estimator: string, allowNaN = false): Float32Rows {
  if (Array.isArray(X)) throw new EstimatorInputError(`${estimator} takes rows of numbers, not text; put a vectorizer in front of it (a Pipeline).`);
  const matrix = X as Exclude<EstimatorInput, readonly string[]>;
  let data: Float32Array;
  if (matrix.kind === 'dense') {
    data = new Float32Array(matrix.data);
  } else {
    data = new Float32Array(matrix.rows * matrix.cols);
    for (let r = 0; r < matrix.rows; r++) {
      for (let k = matrix.indptr[r]; k < matrix.indptr[r + 1]; k++) data[r * matrix.cols + matrix.indices[k]] += matrix.data[k];
    }
  }
  for (let i = 0; i < data.length; i++) {
    // x - x is 0 for finite x and NaN for NaN and +-Infinity: one comparison per value.
    if (data[i] - data[i] !== 0 && !(allowNaN && Number.isNaN(data[i]))) {
      const r = Math.floor(i / matrix.cols);
      const c = i - r * matrix.cols;
      throw new EstimatorInputError(
        `${estimator}: X[${r}, ${c}] is ${Number.isNaN(data[i]) ? 'NaN' : 'infinite or too large for float32'}; ` +
          (Number.isNaN(data[i])
            ? 'this model refuses NaN, as scikit-learn does for its class, parameters and version (trees route NaN from 1.3, forests from 1.4: docs/sklearn.md); impute the value first.'
            : 'scikit-learn trees refuse infinity and values beyond float32 ("Input contains infinity or a value too large for dtype(\'float32\')").'),
      );
    }
  }
  return { rows: matrix.rows, cols: matrix.cols, data };
}
