/** A dense row-major float64 matrix: `data[row * cols + col]`. */
export interface DenseMatrix {
  readonly kind: 'dense';
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
}

/** A CSR sparse matrix, as scipy's `csr_matrix` (text vectorizers produce these). */
export interface SparseMatrix {
  readonly kind: 'csr';
  readonly rows: number;
  readonly cols: number;
  readonly indptr: Int32Array;
  readonly indices: Int32Array;
  readonly data: Float64Array;
}

/** What estimators take: numbers (dense or sparse) or, for text pipelines, one string per row. */
export type EstimatorInput = DenseMatrix | SparseMatrix | readonly string[];

export function denseMatrix(rows: number, cols: number, data: Float64Array = new Float64Array(rows * cols)): DenseMatrix {
  if (data.length !== rows * cols) throw new RangeError(`matrix data has ${data.length} values, expected ${rows}x${cols}`);
  return { kind: 'dense', rows, cols, data };
}

/** Builds a dense matrix from rows of numbers (`null` means NaN, as in the eval CLI's input). */
export function fromRows(rows: ReadonlyArray<ArrayLike<number | null>>): DenseMatrix {
  const cols = rows.length === 0 ? 0 : rows[0].length;
  const data = new Float64Array(rows.length * cols);
  rows.forEach((row, r) => {
    if (row.length !== cols) throw new RangeError(`row ${r} has ${row.length} values, expected ${cols}`);
    for (let c = 0; c < cols; c++) data[r * cols + c] = row[c] ?? NaN;
  });
  return denseMatrix(rows.length, cols, data);
}

/** Row `r` of a dense matrix as a view (no copy). */
export function rowOf(matrix: DenseMatrix, r: number): Float64Array {
  return matrix.data.subarray(r * matrix.cols, (r + 1) * matrix.cols);
}

/** Converts to rows of plain numbers, for JSON output (NaN becomes null in JSON by design). */
export function toRows(matrix: DenseMatrix): number[][] {
  return Array.from({ length: matrix.rows }, (_, r) => Array.from(rowOf(matrix, r)));
}

/**
 * The `[1 - p, p]` probability matrix binary classifiers return, from one raw score per row and
 * the link turning a score into P(positive class) (expit, a clipped hinge, ...).
 */
export function binaryProba(raw: ArrayLike<number>, link: (score: number) => number): DenseMatrix {
  const out = denseMatrix(raw.length, 2);
  for (let r = 0; r < raw.length; r++) {
    const p = link(raw[r]);
    out.data[2 * r] = 1 - p;
    out.data[2 * r + 1] = p;
  }
  return out;
}

/** Number of rows of any estimator input (strings for text pipelines, dense or sparse numbers). */
export function rowsOf(X: EstimatorInput): number {
  return Array.isArray(X) ? X.length : (X as DenseMatrix | SparseMatrix).rows;
}
