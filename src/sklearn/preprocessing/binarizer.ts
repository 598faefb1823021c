import type { Estimator } from '../base';
import type { PyValue } from '../../pickle/python-value';
import type { DenseMatrix, EstimatorInput, SparseMatrix } from '../matrix';
import { numericInput } from '../linear/numeric-input';
import { StateReader } from '../state-reader';

/**
 * `sklearn.preprocessing.Binarizer.transform`: 1 where `x > threshold`, else 0 (stored CSR entries
 * stay stored, as sklearn's `X.data[cond] = 1; X.data[not_cond] = 0`).
 */
export class Binarizer implements Estimator {
  static readonly pythonNames: readonly string[] = ['sklearn.preprocessing._data.Binarizer', 'sklearn.preprocessing.data.Binarizer'];

  constructor(
    readonly pythonClass: string,
    private readonly threshold: number,
  ) {}

  static fromState(state: Map<string, PyValue>, pythonClass: string): Binarizer {
    return new Binarizer(pythonClass, new StateReader(state, pythonClass).number('threshold'));
  }

  transform(X: EstimatorInput): DenseMatrix | SparseMatrix {
    const input = numericInput(X, 'Binarizer');
    return { ...input, data: input.data.map((v) => (v > this.threshold ? 1 : 0)) };
  }
}
