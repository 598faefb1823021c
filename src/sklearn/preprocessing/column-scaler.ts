import type { Estimator } from '../base';
import { EstimatorInputError } from '../errors';
import type { DenseMatrix, EstimatorInput, SparseMatrix } from '../matrix';
import { numericInput } from '../linear/numeric-input';
import { expectLength } from '../linear/state-checks';
import type { StateReader } from '../state-reader';

/**
 * What the per-column scalers share: `(x - offset[c]) / divisor[c]` on dense rows (in that order, as
 * numpy's in-place `X -= ...; X /= ...`), and on CSR rows — where centering is impossible —
 * `x * (1 / divisor[c])`, as sklearn's `inplace_column_scale(X, 1 / scale_)` does.
 */
export abstract class ColumnScaler implements Estimator {
  abstract readonly pythonClass: string;
  abstract readonly nFeaturesIn: number;

  /** Per-column subtrahend, or null for none. */
  protected abstract readonly offset: Float64Array | null;
  /** Per-column divisor, or null for none. */
  protected abstract readonly divisor: Float64Array | null;

  /** Checks that the per-column arrays have one value per feature (call at the end of fromState). */
  protected checked(reader: StateReader): this {
    for (const [name, values] of [['offset', this.offset], ['scale_', this.divisor]] as const) {
      if (values !== null) expectLength(reader, name === 'offset' ? 'mean_/center_' : name, values.length, this.nFeaturesIn);
    }
    return this;
  }

  transform(X: EstimatorInput): DenseMatrix | SparseMatrix {
    const input = numericInput(X, this.constructor.name, 'allow-nan');
    if (input.kind === 'csr') {
      if (this.offset !== null) {
        throw new EstimatorInputError(`${this.constructor.name} cannot center sparse input (with_mean/with_centering=True); densify it first.`);
      }
      const data = Float64Array.from(input.data);
      if (this.divisor !== null) for (let k = 0; k < data.length; k++) data[k] *= 1 / this.divisor[input.indices[k]];
      return { ...input, data };
    }
    const data = Float64Array.from(input.data);
    const cols = input.cols;
    for (let i = 0; i < data.length; i++) {
      const c = i % cols;
      if (this.offset !== null) data[i] -= this.offset[c];
      if (this.divisor !== null) data[i] /= this.divisor[c];
    }
    return { kind: 'dense', rows: input.rows, cols, data };
  }
}
