import type { Estimator } from '../base';
import type { PyValue } from '../../pickle/python-value';
import { PyObject } from '../../pickle/python-value';
import { NdArray } from '../../numpy/ndarray';
import type { EstimatorInput, SparseMatrix } from '../matrix';
import { numericInput } from '../linear/numeric-input';
import { normalizeCsrRows, type RowNorm } from '../preprocessing/row-norms';
import { StateReader } from '../state-reader';
import { csrFromDense } from './sparse-rows';

/** The pickled `__dict__` fields TfidfTransformer uses. */
export interface TfidfTransformerState {
  norm: RowNorm | null;
  use_idf: boolean;
  sublinear_tf: boolean;
  /** the diagonal of `_idf_diag` (sklearn <= 1.2, a scipy CSR matrix) or `idf_` (an ndarray, later versions) */
  idf_: Float64Array | null;
}

/**
 * `sklearn.feature_extraction.text.TfidfTransformer.transform` (1.2.1): `log(tf) + 1` when
 * `sublinear_tf`, times idf (`X @ _idf_diag`, one product per entry), then row normalisation.
 * Dense input is converted to CSR first, as sklearn does.
 */
export class TfidfTransformer implements Estimator {
  static readonly pythonNames: readonly string[] = ['sklearn.feature_extraction.text.TfidfTransformer'];
  readonly nFeaturesIn: number | undefined;

  constructor(
    readonly pythonClass: string,
    private readonly state: TfidfTransformerState,
  ) {
    this.nFeaturesIn = state.idf_?.length;
  }

  static readState(reader: StateReader): TfidfTransformerState {
    const norm = reader.value('norm');
    if (norm !== null && norm !== 'l1' && norm !== 'l2' && norm !== 'max') throw reader.error('norm', `unknown norm ${String(norm)}`);
    const useIdf = reader.value('use_idf') === true;
    return { norm, use_idf: useIdf, sublinear_tf: reader.value('sublinear_tf') === true, idf_: useIdf ? readIdf(reader) : null };
  }

  static fromState(state: Map<string, PyValue>, pythonClass: string): TfidfTransformer {
    return new TfidfTransformer(pythonClass, TfidfTransformer.readState(new StateReader(state, pythonClass)));
  }

  /** The fitted weighting (read-only), for the fused text scorer. */
  get settings(): TfidfTransformerState {
    return this.state;
  }

  transform(X: EstimatorInput): SparseMatrix {
    const input = numericInput(X, 'TfidfTransformer');
    const csr = input.kind === 'csr' ? { ...input, data: Float64Array.from(input.data) } : csrFromDense(input.rows, input.cols, input.data);
    return this.transformCsr(csr);
  }

  /**
   * Transforms a CSR matrix the caller owns, in place. With idf, each row comes out in reverse stored
   * order, as scipy's `csr_matmat` (`X @ _idf_diag`) links the product's columns: later sums over the
   * row (the l2 norm, a classifier's dot product) then add in exactly sklearn's order.
   */
  transformCsr(X: SparseMatrix): SparseMatrix {
    const { sublinear_tf, idf_, norm } = this.state;
    for (let k = 0; k < X.data.length; k++) {
      let v = X.data[k];
      if (sublinear_tf) v = Math.log(v) + 1;
      X.data[k] = v;
    }
    const out = idf_ === null ? X : timesDiagonal(X, idf_);
    return norm === null ? out : normalizeCsrRows(out, norm);
  }
}

/** `X @ diag(d)` with scipy's csr_matmat layout: rows reversed, zero products dropped. */
function timesDiagonal(X: SparseMatrix, d: Float64Array): SparseMatrix {
  const indptr = new Int32Array(X.rows + 1);
  const indices = new Int32Array(X.indices.length);
  const data = new Float64Array(X.data.length);
  let nnz = 0;
  for (let r = 0; r < X.rows; r++) {
    for (let k = X.indptr[r + 1] - 1; k >= X.indptr[r]; k--) {
      const v = X.data[k] * d[X.indices[k]];
      if (v === 0) continue;
      indices[nnz] = X.indices[k];
      data[nnz++] = v;
    }
    indptr[r + 1] = nnz;
  }
  return { kind: 'csr', rows: X.rows, cols: X.cols, indptr, indices: indices.subarray(0, nnz), data: data.subarray(0, nnz) };
}

function readIdf(reader: StateReader): Float64Array {
  if (reader.has('idf_') && reader.value('idf_') instanceof NdArray) return reader.float64('idf_');
  const diag = reader.value('_idf_diag');
  if (!(diag instanceof PyObject)) throw reader.error('_idf_diag', 'expected a scipy sparse matrix');
  const m = StateReader.of(diag, 'TfidfTransformer._idf_diag');
  const shape = m.list('_shape').map(Number);
  const idf = new Float64Array(shape[0]);
  if (m.has('offsets')) {
    // a dia_matrix: data row 0 is the diagonal
    idf.set(m.float64('data').subarray(0, shape[0]));
    return idf;
  }
  const data = m.float64('data');
  const indices = m.float64('indices');
  const indptr = m.float64('indptr');
  for (let r = 0; r < shape[0]; r++) {
    for (let k = indptr[r]; k < indptr[r + 1]; k++) if (indices[k] === r) idf[r] = data[k];
  }
  return idf;
}
