import type { BuildContext, Estimator } from '../base';
import type { PyValue } from '../../pickle/python-value';
import { EstimatorInputError, UnsupportedEstimatorError } from '../errors';
import { denseMatrix, type DenseMatrix, type EstimatorInput } from '../matrix';
import { numericInput, toDense } from '../linear/numeric-input';
import { StateReader, toNumber } from '../state-reader';

/** The pickled `__dict__` attributes read here (scikit-learn 1.2-1.9 names). */
export interface OrdinalEncoderState {
  categories_: PyValue; // list of 1-D arrays, sorted; NaN last when the training data had missing values
  handle_unknown: string; // "error" | "use_encoded_value"
  unknown_value: PyValue; // int or NaN
  encoded_missing_value?: PyValue; // 1.1+; default NaN
  _infrequent_enabled?: boolean; // 1.3+
  n_features_in_: number;
}

/**
 * `sklearn.preprocessing.OrdinalEncoder.transform` (1.9.0 `preprocessing/_encoders.py`) for numeric
 * categories: each value becomes the index of its category in `categories_[j]`; NaN becomes
 * `encoded_missing_value` when NaN was a training category (else it is unknown); an unknown value
 * becomes `unknown_value` (`handle_unknown="use_encoded_value"`) or is refused (`"error"`), as in sklearn.
 * Output is float64, HistGradientBoosting's `X_DTYPE`.
 *
 * String categories are refused at load: the rows this server scores are numbers.
 */
export class OrdinalEncoder implements Estimator {
  static readonly pythonNames: readonly string[] = ['sklearn.preprocessing._encoders.OrdinalEncoder'];

  private constructor(
    readonly pythonClass: string,
    readonly nFeaturesIn: number,
    /** Per column: category value -> code (NaN handled apart). */
    private readonly codes: ReadonlyArray<ReadonlyMap<number, number>>,
    /** Per column: the code for NaN, or undefined when NaN is unknown. */
    private readonly missingCode: ReadonlyArray<number | undefined>,
    private readonly unknownValue: number | undefined,
  ) {}

  static fromState(state: Map<string, PyValue>, pythonClass: string, context: BuildContext): OrdinalEncoder {
    const r = new StateReader(state, pythonClass);
    if (r.has('_infrequent_enabled') && r.value('_infrequent_enabled') === true) {
      throw new UnsupportedEstimatorError(pythonClass, context.sklearnVersion, 'infrequent categories (min_frequency / max_categories) are not supported; re-fit without them');
    }
    const handleUnknown = r.string('handle_unknown');
    if (handleUnknown !== 'error' && handleUnknown !== 'use_encoded_value') throw r.error('handle_unknown', `"${handleUnknown}" is not "error" or "use_encoded_value"`);
    const unknownValue = handleUnknown === 'use_encoded_value' ? (toNumber(r.value('unknown_value')) ?? NaN) : undefined;
    const encodedMissing = r.has('encoded_missing_value') ? (toNumber(r.value('encoded_missing_value')) ?? NaN) : NaN;
    const codes: Array<Map<number, number>> = [];
    const missingCode: Array<number | undefined> = [];
    r.list('categories_').forEach((column, j) => {
      const values = new StateReader(new Map([['categories', column]]), pythonClass).list('categories');
      const map = new Map<number, number>();
      let missing: number | undefined;
      values.forEach((value, code) => {
        const n = toNumber(value);
        if (n === undefined) {
          throw new UnsupportedEstimatorError(
            pythonClass,
            context.sklearnVersion,
            `column ${j} has ${typeof value === 'string' ? 'string' : 'non-numeric'} categories (e.g. ${JSON.stringify(String(value))}); the rows this server scores are numbers, so re-fit with integer category codes (e.g. X[col] = X[col].cat.codes) and send those codes`,
          );
        }
        if (Number.isNaN(n)) missing = code;
        else map.set(n, code);
      });
      codes.push(map);
      // sklearn's _missing_indices: NaN is a category of its own, encoded as encoded_missing_value.
      missingCode.push(missing === undefined ? undefined : encodedMissing);
    });
    return new OrdinalEncoder(pythonClass, r.optionalNumber('n_features_in_') ?? codes.length, codes, missingCode, unknownValue);
  }

  transform(X: EstimatorInput): DenseMatrix {
    const input = toDense(numericInput(X, 'OrdinalEncoder', 'allow-nan'));
    const out = denseMatrix(input.rows, input.cols);
    for (let r = 0; r < input.rows; r++) {
      for (let j = 0; j < input.cols; j++) {
        const v = input.data[r * input.cols + j];
        const code = Number.isNaN(v) ? this.missingCode[j] : this.codes[j].get(v);
        if (code !== undefined) {
          out.data[r * input.cols + j] = code;
        } else if (this.unknownValue !== undefined) {
          out.data[r * input.cols + j] = this.unknownValue;
        } else {
          throw new EstimatorInputError(`OrdinalEncoder: row ${r} has the unknown category ${v} in column ${j} (handle_unknown="error"), which scikit-learn refuses too. Send a category seen in training.`);
        }
      }
    }
    return out;
  }
}
