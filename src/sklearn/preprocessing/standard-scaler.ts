import type { PyValue } from '../../pickle/python-value';
import { StateReader } from '../state-reader';
import { ColumnScaler } from './column-scaler';

/** The pickled `__dict__` fields StandardScaler uses. */
export interface StandardScalerState {
  with_mean: boolean;
  with_std: boolean;
  mean_: Float64Array | null;
  scale_: Float64Array | null;
  n_features_in_: number;
}

/** `sklearn.preprocessing.StandardScaler.transform`: `(x - mean_) / scale_` (sklearn/preprocessing/_data.py, 1.2.1). */
export class StandardScaler extends ColumnScaler {
  static readonly pythonNames: readonly string[] = ['sklearn.preprocessing._data.StandardScaler', 'sklearn.preprocessing.data.StandardScaler'];
  readonly nFeaturesIn: number;
  protected readonly offset: Float64Array | null;
  protected readonly divisor: Float64Array | null;

  constructor(
    readonly pythonClass: string,
    state: StandardScalerState,
  ) {
    super();
    this.nFeaturesIn = state.n_features_in_;
    this.offset = state.with_mean ? state.mean_ : null;
    this.divisor = state.with_std ? state.scale_ : null;
  }

  static fromState(state: Map<string, PyValue>, pythonClass: string): StandardScaler {
    const r = new StateReader(state, pythonClass);
    const opt = (name: string) => (r.has(name) && r.value(name) !== null ? r.float64(name) : null);
    const scaler = new StandardScaler(pythonClass, {
      with_mean: r.value('with_mean') === true,
      with_std: r.value('with_std') === true,
      mean_: opt('mean_'),
      scale_: opt('scale_'),
      n_features_in_: r.optionalNumber('n_features_in_') ?? (opt('mean_') ?? opt('scale_') ?? new Float64Array()).length,
    });
    return scaler.checked(r);
  }
}
