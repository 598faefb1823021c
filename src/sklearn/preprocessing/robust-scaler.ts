import type { PyValue } from '../../pickle/python-value';
import { StateReader } from '../state-reader';
import { ColumnScaler } from './column-scaler';

/** `sklearn.preprocessing.RobustScaler.transform`: `(x - center_) / scale_`, each when enabled. */
export class RobustScaler extends ColumnScaler {
  static readonly pythonNames: readonly string[] = ['sklearn.preprocessing._data.RobustScaler', 'sklearn.preprocessing.data.RobustScaler'];
  readonly nFeaturesIn: number;
  protected readonly offset: Float64Array | null;
  protected readonly divisor: Float64Array | null;

  constructor(
    readonly pythonClass: string,
    state: { center_: Float64Array | null; scale_: Float64Array | null; n_features_in_: number },
  ) {
    super();
    this.nFeaturesIn = state.n_features_in_;
    this.offset = state.center_;
    this.divisor = state.scale_;
  }

  static fromState(state: Map<string, PyValue>, pythonClass: string): RobustScaler {
    const r = new StateReader(state, pythonClass);
    const opt = (flag: string, name: string) => (r.value(flag) === true && r.value(name) !== null ? r.float64(name) : null);
    return new RobustScaler(pythonClass, {
      center_: opt('with_centering', 'center_'),
      scale_: opt('with_scaling', 'scale_'),
      n_features_in_: r.optionalNumber('n_features_in_') ?? r.float64(r.value('scale_') !== null ? 'scale_' : 'center_').length,
    }).checked(r);
  }
}
