import type { BuildContext, Estimator } from '../base';
import type { PyValue } from '../../pickle/python-value';
import { EstimatorInputError, UnsupportedEstimatorError } from '../errors';
import type { EstimatorInput } from '../matrix';
import { numericInput, toDense } from './numeric-input';
import { StateReader } from '../state-reader';

/** The pickled `__dict__` fields IsotonicRegression uses (`f_` is rebuilt from the thresholds). */
export interface IsotonicRegressionState {
  X_thresholds_: Float64Array;
  y_thresholds_: Float64Array;
  X_min_: number;
  X_max_: number;
  /** "nan", "clip" or "raise" */
  out_of_bounds: string;
}

/**
 * `sklearn.isotonic.IsotonicRegression.predict` (isotonic.py, 1.2.1): clip when `out_of_bounds="clip"`,
 * then scipy's `interp1d(kind="linear")` over the thresholds: the interval from `searchsorted(side="left")`
 * clipped to [1, n-1], `slope * (x - x_lo) + y_lo`; outside the range NaN ("nan") or an error ("raise").
 */
export class IsotonicRegression implements Estimator {
  static readonly pythonNames: readonly string[] = ['sklearn.isotonic.IsotonicRegression'];
  readonly nFeaturesIn = 1;

  constructor(
    readonly pythonClass: string,
    private readonly state: IsotonicRegressionState,
  ) {}

  static fromState(state: Map<string, PyValue>, pythonClass: string, context?: BuildContext): IsotonicRegression {
    const r = new StateReader(state, pythonClass);
    const oob = r.string('out_of_bounds');
    if (oob !== 'nan' && oob !== 'clip' && oob !== 'raise') throw new UnsupportedEstimatorError(pythonClass, context?.sklearnVersion, `out_of_bounds="${oob}"`);
    return new IsotonicRegression(pythonClass, {
      X_thresholds_: r.float64('X_thresholds_'),
      y_thresholds_: r.float64('y_thresholds_'),
      X_min_: r.number('X_min_'),
      X_max_: r.number('X_max_'),
      out_of_bounds: oob,
    });
  }

  predict(X: EstimatorInput): Float64Array {
    const input = toDense(numericInput(X, 'IsotonicRegression'));
    return this.interpolate(input.data);
  }

  /** The calibration map on a 1-D array of values. */
  interpolate(values: ArrayLike<number>): Float64Array {
    const { X_thresholds_: xs, y_thresholds_: ys, X_min_, X_max_, out_of_bounds } = this.state;
    const out = new Float64Array(values.length);
    for (let i = 0; i < values.length; i++) {
      let t = values[i];
      if (out_of_bounds === 'clip') t = Math.min(Math.max(t, X_min_), X_max_);
      if (ys.length === 1) {
        out[i] = ys[0];
        continue;
      }
      if (t < xs[0] || t > xs[xs.length - 1]) {
        if (out_of_bounds === 'raise') throw new EstimatorInputError(`IsotonicRegression: ${t} is outside [${xs[0]}, ${xs[xs.length - 1]}] (out_of_bounds="raise").`);
        out[i] = NaN;
        continue;
      }
      let lo = 0;
      let hi = xs.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (xs[mid] < t) lo = mid + 1;
        else hi = mid;
      }
      const j = Math.min(Math.max(lo, 1), xs.length - 1);
      const slope = (ys[j] - ys[j - 1]) / (xs[j] - xs[j - 1]);
      out[i] = slope * (t - xs[j - 1]) + ys[j - 1];
    }
    return out;
  }
}
