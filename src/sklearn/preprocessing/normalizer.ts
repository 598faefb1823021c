import type { Estimator } from '../base';
import type { PyValue } from '../../pickle/python-value';
import type { DenseMatrix, EstimatorInput, SparseMatrix } from '../matrix';
import { numericInput } from '../linear/numeric-input';
import { StateReader } from '../state-reader';
import { normalizeCsrRows, normalizeDenseRows, type RowNorm } from './row-norms';

/** `sklearn.preprocessing.Normalizer.transform`: each row divided by its l1, l2 or max norm. */
export class Normalizer implements Estimator {
  static readonly pythonNames: readonly string[] = ['sklearn.preprocessing._data.Normalizer', 'sklearn.preprocessing.data.Normalizer'];

  constructor(
    readonly pythonClass: string,
    private readonly norm: RowNorm,
  ) {}

  static fromState(state: Map<string, PyValue>, pythonClass: string): Normalizer {
    const r = new StateReader(state, pythonClass);
    const norm = r.string('norm');
    if (norm !== 'l1' && norm !== 'l2' && norm !== 'max') throw r.error('norm', `unknown norm "${norm}"`);
    return new Normalizer(pythonClass, norm);
  }

  transform(X: EstimatorInput): DenseMatrix | SparseMatrix {
    const input = numericInput(X, 'Normalizer');
    const data = Float64Array.from(input.data);
    return input.kind === 'csr' ? normalizeCsrRows({ ...input, data }, this.norm) : normalizeDenseRows({ ...input, data }, this.norm);
  }
}
