import type { SparseMatrix } from '../matrix';

/**
 * Builds a CSR matrix from one `column -> value` Map per row, columns sorted (scipy's
 * `sort_indices()`); entries that sum to zero stay stored, as scipy's `sum_duplicates` keeps them.
 */
export function csrFromRowMaps(rows: ReadonlyArray<Map<number, number>>, cols: number): SparseMatrix {
  let nnz = 0;
  for (const row of rows) nnz += row.size;
  const indptr = new Int32Array(rows.length + 1);
  const indices = new Int32Array(nnz);
  const data = new Float64Array(nnz);
  let k = 0;
  rows.forEach((row, r) => {
    for (const c of [...row.keys()].sort((a, b) => a - b)) {
      indices[k] = c;
      data[k++] = row.get(c) as number;
    }
    indptr[r + 1] = k;
  });
  return { kind: 'csr', rows: rows.length, cols, indptr, indices, data };
}

/** A CSR copy of a dense matrix (zeros dropped), for transformers that only work on sparse rows. */
export function csrFromDense(rows: number, cols: number, values: Float64Array): SparseMatrix {
  const maps = Array.from({ length: rows }, (_, r) => {
    const m = new Map<number, number>();
    for (let c = 0; c < cols; c++) if (values[r * cols + c] !== 0) m.set(c, values[r * cols + c]);
    return m;
  });
  return csrFromRowMaps(maps, cols);
}
