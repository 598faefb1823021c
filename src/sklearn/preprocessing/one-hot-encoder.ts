import type { BuildContext, Estimator } from '../base';
import type { PyValue } from '../../pickle/python-value';
import { NdArray } from '../../numpy/ndarray';
import { EstimatorInputError, UnsupportedEstimatorError } from '../errors';
import type { DenseMatrix, EstimatorInput, SparseMatrix } from '../matrix';
import { numericInput, toDense } from '../linear/numeric-input';
import { StateReader, toNumber } from '../state-reader';
import { csrFromRowMaps } from '../text/sparse-rows';

/** The pickled `__dict__` fields OneHotEncoder uses (numeric categories). */
export interface OneHotEncoderState {
  /** per input column, its sorted categories (NaN last when present) */
  categories_: Float64Array[];
  /** per input column, the index of the dropped category, or null */
  drop_idx_: (number | null)[];
  handle_unknown: string;
  /** `sparse_output` (1.2) or `sparse` (older) */
  sparse_output: boolean;
}

/**
 * `sklearn.preprocessing.OneHotEncoder.transform` (preprocessing/_encoders.py, 1.2.1) for numeric
 * categories: one column per category, minus the dropped one; unknown values raise (handle_unknown
 * "error") or give all zeros ("ignore"). Output is CSR when `sparse_output`, else dense.
 * Refused: string categories (rows here are numbers) and infrequent-category grouping.
 */
export class OneHotEncoder implements Estimator {
  static readonly pythonNames: readonly string[] = ['sklearn.preprocessing._encoders.OneHotEncoder', 'sklearn.preprocessing.data.OneHotEncoder'];
  readonly nFeaturesIn: number;
  private readonly offsets: number[];
  private readonly nOut: number;

  constructor(
    readonly pythonClass: string,
    private readonly state: OneHotEncoderState,
  ) {
    this.nFeaturesIn = state.categories_.length;
    this.offsets = [];
    let total = 0;
    state.categories_.forEach((cats, i) => {
      this.offsets.push(total);
      total += cats.length - (state.drop_idx_[i] === null ? 0 : 1);
    });
    this.nOut = total;
  }

  static fromState(state: Map<string, PyValue>, pythonClass: string, context: BuildContext): OneHotEncoder {
    const r = new StateReader(state, pythonClass);
    const refuse = (detail: string) => new UnsupportedEstimatorError(pythonClass, context.sklearnVersion, detail);
    if (r.has('_infrequent_enabled') && r.value('_infrequent_enabled') === true) throw refuse('infrequent categories (min_frequency/max_categories) are not supported');
    const categories = r.list('categories_').map((c, i) => {
      if (!(c instanceof NdArray) || !'biuf'.includes(c.dtype.kind)) throw refuse(`column ${i} has non-numeric categories; rows here are numbers, so only numeric categories are supported`);
      return c.toFloat64();
    });
    const rawDrop = r.has('drop_idx_') ? r.value('drop_idx_') : null;
    const dropList = rawDrop === null ? categories.map(() => null) : r.list('drop_idx_');
    const drop = dropList.map((d) => (d === null ? null : (toNumber(d as PyValue) ?? null)));
    if (drop.length !== categories.length) throw r.error('drop_idx_', `has ${drop.length} entries for ${categories.length} columns`);
    drop.forEach((d, i) => {
      if (d !== null && (!Number.isInteger(d) || d < 0 || d >= categories[i].length)) throw r.error('drop_idx_', `column ${i} drops category ${d} of ${categories[i].length}`);
    });
    const sparseFlag = r.has('sparse_output') ? r.value('sparse_output') : r.value('sparse');
    return new OneHotEncoder(pythonClass, {
      categories_: categories,
      drop_idx_: drop,
      handle_unknown: r.string('handle_unknown'),
      sparse_output: sparseFlag === true,
    });
  }

  transform(X: EstimatorInput): DenseMatrix | SparseMatrix {
    const input = toDense(numericInput(X, 'OneHotEncoder', 'allow-nan'));
    const rows: Map<number, number>[] = [];
    for (let r = 0; r < input.rows; r++) {
      const row = new Map<number, number>();
      this.state.categories_.forEach((cats, i) => {
        const v = input.data[r * input.cols + i];
        const k = findCategory(cats, v);
        if (k < 0) {
          if (this.state.handle_unknown === 'error') {
            throw new EstimatorInputError(`OneHotEncoder: row ${r} has the unknown category ${v} in column ${i} (handle_unknown="error").`);
          }
          return;
        }
        const dropped = this.state.drop_idx_[i];
        if (dropped === k) return;
        row.set(this.offsets[i] + (dropped !== null && k > dropped ? k - 1 : k), 1);
      });
      rows.push(row);
    }
    const csr = csrFromRowMaps(rows, this.nOut);
    return this.state.sparse_output ? csr : toDense(csr);
  }
}

/** Index of `v` among the categories (NaN matches a NaN category), or -1. */
function findCategory(cats: Float64Array, v: number): number {
  for (let k = 0; k < cats.length; k++) if (cats[k] === v || (Number.isNaN(v) && Number.isNaN(cats[k]))) return k;
  return -1;
}
