import type { BuildContext, Estimator } from '../base';
import type { PyValue } from '../../pickle/python-value';
import { NdArray } from '../../numpy/ndarray';
import { UnsupportedEstimatorError } from '../errors';
import type { DenseMatrix, EstimatorInput, SparseMatrix } from '../matrix';
import { numericInput, toDense, type NumericInput } from '../linear/numeric-input';
import { StateReader, toNumber } from '../state-reader';
import { hstack } from './hstack';

/** One fitted part: the columns it reads and what it does with them (null = passthrough). */
interface Part {
  readonly columns: readonly number[];
  readonly transformer: Estimator | null;
}

/**
 * `sklearn.compose.ColumnTransformer.transform` (compose/_column_transformer.py, 1.2.1): each fitted
 * part of `transformers_` (the remainder included) transforms its columns, "drop" parts and empty
 * selections are skipped, and the outputs are stacked side by side — as CSR when `sparse_output_`,
 * else dense. Columns must be selected by integer position or boolean mask (rows have no names).
 */
export class ColumnTransformer implements Estimator {
  static readonly pythonNames: readonly string[] = ['sklearn.compose._column_transformer.ColumnTransformer'];

  constructor(
    readonly pythonClass: string,
    readonly nFeaturesIn: number,
    private readonly parts: readonly Part[],
    private readonly sparseOutput: boolean,
  ) {}

  static fromState(state: Map<string, PyValue>, pythonClass: string, context: BuildContext): ColumnTransformer {
    const r = new StateReader(state, pythonClass);
    const nFeatures = r.number('n_features_in_');
    const weights = r.has('transformer_weights') ? r.value('transformer_weights') : null;
    if (weights !== null) throw new UnsupportedEstimatorError(pythonClass, context.sklearnVersion, 'transformer_weights are not supported');
    const parts: Part[] = [];
    for (const entry of r.list('transformers_')) {
      if (!Array.isArray(entry) || entry.length !== 3) throw r.error('transformers_', 'expected (name, transformer, columns) triples');
      const [name, transformer, columns] = entry as readonly PyValue[];
      if (transformer === 'drop') continue;
      const cols = selectColumns(columns, nFeatures, () => new UnsupportedEstimatorError(pythonClass, context.sklearnVersion, `part "${String(name)}" selects columns by name or slice; only integer positions and boolean masks are supported (rows carry no column names)`));
      if (cols.length === 0) continue;
      for (const c of cols) if (!Number.isInteger(c) || c < 0 || c >= nFeatures) throw r.error('transformers_', `part "${String(name)}" selects column ${c} of ${nFeatures}`);
      parts.push({ columns: cols, transformer: transformer === 'passthrough' ? null : context.build(transformer) });
    }
    return new ColumnTransformer(pythonClass, nFeatures, parts, r.value('sparse_output_') === true);
  }

  transform(X: EstimatorInput): DenseMatrix | SparseMatrix {
    const input = toDense(numericInput(X, 'ColumnTransformer', 'none'));
    const outputs: NumericInput[] = this.parts.map((part) => {
      const picked = pickColumns(input, part.columns);
      if (part.transformer === null) return picked;
      return (part.transformer.transform as (x: EstimatorInput) => NumericInput).call(part.transformer, picked);
    });
    return hstack(outputs, input.rows, this.sparseOutput);
  }
}

function selectColumns(columns: PyValue, nFeatures: number, refuse: () => Error): number[] {
  const values: PyValue[] =
    columns instanceof NdArray ? (columns.toArray() as PyValue[]) : Array.isArray(columns) ? [...(columns as PyValue[])] : [columns];
  if (values.length > 0 && values.every((v) => typeof v === 'boolean')) {
    return values.flatMap((v, i) => (v ? [i] : []));
  }
  return values.map((v) => {
    const n = typeof v === 'boolean' ? undefined : toNumber(v);
    if (n === undefined || !Number.isInteger(n)) throw refuse();
    return n < 0 ? n + nFeatures : n;
  });
}

function pickColumns(X: DenseMatrix, columns: readonly number[]): DenseMatrix {
  const data = new Float64Array(X.rows * columns.length);
  for (let r = 0; r < X.rows; r++) columns.forEach((c, j) => (data[r * columns.length + j] = X.data[r * X.cols + c]));
  return { kind: 'dense', rows: X.rows, cols: columns.length, data };
}
