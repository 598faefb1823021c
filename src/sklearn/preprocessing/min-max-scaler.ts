import type { Estimator } from '../base';
import type { PyValue } from '../../pickle/python-value';
import type { DenseMatrix, EstimatorInput } from '../matrix';
import { numericInput, toDense } from '../linear/numeric-input';
import { StateReader } from '../state-reader';
import { expectLength } from '../linear/state-checks';

/** The pickled `__dict__` fields MinMaxScaler uses. */
export interface MinMaxScalerState {
  scale_: Float64Array;
  min_: Float64Array;
  feature_range: readonly [number, number];
  clip: boolean;
  n_features_in_: number;
}

/**
 * `sklearn.preprocessing.MinMaxScaler.transform`: `x * scale_ + min_` (two rounded steps, as numpy's
 * in-place `X *= scale_; X += min_`), then clipped to `feature_range` when `clip`.
 */
export class MinMaxScaler implements Estimator {
  static readonly pythonNames: readonly string[] = ['sklearn.preprocessing._data.MinMaxScaler', 'sklearn.preprocessing.data.MinMaxScaler'];
  readonly nFeaturesIn: number;

  constructor(
    readonly pythonClass: string,
    private readonly state: MinMaxScalerState,
  ) {
    this.nFeaturesIn = state.n_features_in_;
  }

  static fromState(state: Map<string, PyValue>, pythonClass: string): MinMaxScaler {
    const r = new StateReader(state, pythonClass);
    const range = r.list('feature_range').map(Number);
    const nFeatures = r.optionalNumber('n_features_in_') ?? r.float64('scale_').length;
    expectLength(r, 'scale_', r.float64('scale_').length, nFeatures);
    expectLength(r, 'min_', r.float64('min_').length, nFeatures);
    return new MinMaxScaler(pythonClass, {
      scale_: r.float64('scale_'),
      min_: r.float64('min_'),
      feature_range: [range[0], range[1]],
      clip: r.has('clip') && r.value('clip') === true,
      n_features_in_: r.optionalNumber('n_features_in_') ?? r.float64('scale_').length,
    });
  }

  transform(X: EstimatorInput): DenseMatrix {
    const input = toDense(numericInput(X, 'MinMaxScaler', 'allow-nan'));
    const { scale_, min_, clip, feature_range: [lo, hi] } = this.state;
    const data = Float64Array.from(input.data);
    for (let i = 0; i < data.length; i++) {
      const c = i % input.cols;
      let v = data[i] * scale_[c];
      v += min_[c];
      if (clip) v = Math.min(Math.max(v, lo), hi);
      data[i] = v;
    }
    return { kind: 'dense', rows: input.rows, cols: input.cols, data };
  }
}
