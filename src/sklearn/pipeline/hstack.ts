import type { DenseMatrix, SparseMatrix } from '../matrix';
import { type NumericInput, toDense } from '../linear/numeric-input';

/**
 * Stacks transformer outputs side by side as ColumnTransformer and FeatureUnion do: `np.hstack` when
 * `sparse` is false; otherwise `scipy.sparse.hstack(parts).tocsr()` (scipy 1.10), whose layout
 * decides the order of later sums — when every part is CSR, each row is the parts' rows concatenated
 * as stored (`csr_hstack`); with a dense part, scipy goes through COO and `tocsr()` leaves each row
 * sorted by column with dense zeros dropped.
 */
export function hstack(parts: readonly NumericInput[], rows: number, sparse: boolean): DenseMatrix | SparseMatrix {
  const cols = parts.reduce((n, p) => n + p.cols, 0);
  if (!sparse) {
    const data = new Float64Array(rows * cols);
    let offset = 0;
    for (const part of parts) {
      const d = toDense(part);
      for (let r = 0; r < rows; r++) for (let c = 0; c < d.cols; c++) data[r * cols + offset + c] = d.data[r * d.cols + c];
      offset += d.cols;
    }
    return { kind: 'dense', rows, cols, data };
  }
  const allCsr = parts.every((p) => p.kind === 'csr');
  const indptr = new Int32Array(rows + 1);
  const indices: number[] = [];
  const values: number[] = [];
  for (let r = 0; r < rows; r++) {
    const rowStart = indices.length;
    let offset = 0;
    for (const part of parts) {
      if (part.kind === 'csr') {
        for (let k = part.indptr[r]; k < part.indptr[r + 1]; k++) {
          indices.push(offset + part.indices[k]);
          values.push(part.data[k]);
        }
      } else {
        for (let c = 0; c < part.cols; c++) {
          const v = part.data[r * part.cols + c];
          if (v !== 0) {
            indices.push(offset + c);
            values.push(v);
          }
        }
      }
      offset += part.cols;
    }
    if (!allCsr) sortRow(indices, values, rowStart);
    indptr[r + 1] = indices.length;
  }
  return { kind: 'csr', rows, cols, indptr, indices: Int32Array.from(indices), data: Float64Array.from(values) };
}

/** Sorts one row's entries by column (stable), summing duplicates as `tocsr()` does. */
function sortRow(indices: number[], values: number[], start: number): void {
  const order = Array.from({ length: indices.length - start }, (_, i) => start + i).sort((a, b) => indices[a] - indices[b] || a - b);
  const cols: number[] = [];
  const vals: number[] = [];
  for (const k of order) {
    if (cols.length > 0 && cols[cols.length - 1] === indices[k]) vals[vals.length - 1] += values[k];
    else {
      cols.push(indices[k]);
      vals.push(values[k]);
    }
  }
  indices.length = start;
  values.length = start;
  indices.push(...cols);
  values.push(...vals);
}
