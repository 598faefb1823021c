import type { PyValue } from '../../pickle/python-value';
import { StateReader } from '../state-reader';
import { ColumnScaler } from './column-scaler';

/** `sklearn.preprocessing.MaxAbsScaler.transform`: `x / scale_` (sparse: `x * (1 / scale_)`). */
export class MaxAbsScaler extends ColumnScaler {
  static readonly pythonNames: readonly string[] = ['sklearn.preprocessing._data.MaxAbsScaler', 'sklearn.preprocessing.data.MaxAbsScaler'];
  readonly nFeaturesIn: number;
  protected readonly offset = null;
  protected readonly divisor: Float64Array;

  constructor(
    readonly pythonClass: string,
    state: { scale_: Float64Array; n_features_in_: number },
  ) {
    super();
    this.nFeaturesIn = state.n_features_in_;
    this.divisor = state.scale_;
  }

  static fromState(state: Map<string, PyValue>, pythonClass: string): MaxAbsScaler {
    const r = new StateReader(state, pythonClass);
    return new MaxAbsScaler(pythonClass, { scale_: r.float64('scale_'), n_features_in_: r.optionalNumber('n_features_in_') ?? r.float64('scale_').length }).checked(r);
  }
}
