import type { Estimator } from '../base';
import type { PyValue } from '../../pickle/python-value';
import type { DenseMatrix, EstimatorInput } from '../matrix';
import { affine, numericInput } from '../linear/numeric-input';
import { StateReader } from '../state-reader';

/**
 * `sklearn.decomposition.TruncatedSVD.transform` (decomposition/_truncated_svd.py, 1.2.1):
 * `X @ components_.T` with no centring, so CSR rows (TF-IDF, "LSA") stay sparse on the way in.
 */
export class TruncatedSVD implements Estimator {
  static readonly pythonNames: readonly string[] = ['sklearn.decomposition._truncated_svd.TruncatedSVD', 'sklearn.decomposition.truncated_svd.TruncatedSVD'];
  readonly nFeaturesIn: number;
  private readonly nComponents: number;

  constructor(
    readonly pythonClass: string,
    private readonly state: { components_: Float64Array; n_features_in_: number },
  ) {
    this.nFeaturesIn = state.n_features_in_;
    this.nComponents = state.components_.length / state.n_features_in_;
  }

  static fromState(state: Map<string, PyValue>, pythonClass: string): TruncatedSVD {
    const r = new StateReader(state, pythonClass);
    return new TruncatedSVD(pythonClass, { components_: r.float64('components_'), n_features_in_: r.optionalNumber('n_features_in_') ?? r.array('components_').shape[1] });
  }

  transform(X: EstimatorInput): DenseMatrix {
    return affine(numericInput(X, 'TruncatedSVD'), this.state.components_, this.nComponents, 0);
  }
}
