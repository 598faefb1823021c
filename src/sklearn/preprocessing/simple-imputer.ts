import type { BuildContext, Estimator } from '../base';
import type { PyValue } from '../../pickle/python-value';
import { UnsupportedEstimatorError } from '../errors';
import type { DenseMatrix, EstimatorInput } from '../matrix';
import { numericInput, toDense } from '../linear/numeric-input';
import { StateReader, toNumber } from '../state-reader';

/** The pickled `__dict__` fields SimpleImputer uses. */
export interface SimpleImputerState {
  statistics_: Float64Array;
  /** NaN (np.nan) or a number */
  missing_values: number;
  strategy: string;
  keep_empty_features: boolean;
  n_features_in_: number;
}

/**
 * `sklearn.impute.SimpleImputer.transform` (impute/_base.py, 1.2.1) for numeric data: missing values
 * become `statistics_[c]`; columns whose statistic is NaN (all missing at fit) are dropped unless
 * `keep_empty_features` (then they become 0), except with strategy "constant".
 */
export class SimpleImputer implements Estimator {
  static readonly pythonNames: readonly string[] = ['sklearn.impute._base.SimpleImputer', 'sklearn.impute.SimpleImputer'];
  readonly nFeaturesIn: number;
  private readonly kept: number[];

  constructor(
    readonly pythonClass: string,
    private readonly state: SimpleImputerState,
  ) {
    this.nFeaturesIn = state.n_features_in_;
    const stats = state.statistics_;
    this.kept = [];
    for (let c = 0; c < stats.length; c++) {
      if (!Number.isNaN(stats[c]) || state.strategy === 'constant' || state.keep_empty_features) this.kept.push(c);
    }
  }

  static fromState(state: Map<string, PyValue>, pythonClass: string, context: BuildContext): SimpleImputer {
    const r = new StateReader(state, pythonClass);
    if (r.value('add_indicator') === true) {
      throw new UnsupportedEstimatorError(pythonClass, context.sklearnVersion, 'add_indicator=True (the MissingIndicator columns) is not supported');
    }
    const missing = toNumber(r.value('missing_values'));
    if (missing === undefined) {
      throw new UnsupportedEstimatorError(pythonClass, context.sklearnVersion, 'only numeric missing_values (np.nan or a number) are supported');
    }
    const statistics = r.array('statistics_');
    // strategy="constant" pickles an object array of Python floats from 1.9 (numbers all the same)
    const numbers = statistics.dtype.kind === 'O' ? statistics.toArray().map((item) => toNumber(item as PyValue)) : undefined;
    if (!'biuf'.includes(statistics.dtype.kind) && (numbers === undefined || numbers.some((n) => n === undefined))) {
      throw new UnsupportedEstimatorError(pythonClass, context.sklearnVersion, `statistics_ of dtype ${statistics.dtype.str}: only numeric imputation is supported`);
    }
    return new SimpleImputer(pythonClass, {
      statistics_: numbers === undefined ? statistics.toFloat64() : Float64Array.from(numbers as number[]),
      missing_values: missing,
      strategy: r.string('strategy'),
      keep_empty_features: r.has('keep_empty_features') && r.value('keep_empty_features') === true,
      n_features_in_: r.optionalNumber('n_features_in_') ?? statistics.size,
    });
  }

  transform(X: EstimatorInput): DenseMatrix {
    const input = toDense(numericInput(X, 'SimpleImputer', Number.isNaN(this.state.missing_values) ? 'allow-nan' : 'all'));
    const { statistics_, missing_values } = this.state;
    const isMissing = Number.isNaN(missing_values) ? (v: number) => Number.isNaN(v) : (v: number) => v === missing_values;
    const cols = this.kept.length;
    const data = new Float64Array(input.rows * cols);
    for (let r = 0; r < input.rows; r++) {
      this.kept.forEach((c, j) => {
        const v = input.data[r * input.cols + c];
        const fill = Number.isNaN(statistics_[c]) ? 0 : statistics_[c];
        data[r * cols + j] = isMissing(v) ? fill : v;
      });
    }
    return { kind: 'dense', rows: input.rows, cols, data };
  }
}
