import type { Estimator } from '../base';
import type { PyValue } from '../../pickle/python-value';
import type { DenseMatrix, EstimatorInput } from '../matrix';
import { affine, numericInput, toDense } from '../linear/numeric-input';
import { StateReader } from '../state-reader';

/** The pickled `__dict__` fields PCA uses. */
export interface PCAState {
  /** (n_components, n_features) */
  components_: Float64Array;
  mean_: Float64Array | null;
  explained_variance_: Float64Array;
  whiten: boolean;
  n_features_in_: number;
}

/**
 * `sklearn.decomposition.PCA.transform` (decomposition/_base.py, 1.2.1): `(X - mean_) @ components_.T`,
 * divided by `sqrt(explained_variance_)` when `whiten`. Also answers for IncrementalPCA, whose
 * transform is the same.
 */
export class PCA implements Estimator {
  static readonly pythonNames: readonly string[] = [
    'sklearn.decomposition._pca.PCA',
    'sklearn.decomposition.pca.PCA',
    'sklearn.decomposition._incremental_pca.IncrementalPCA',
  ];
  readonly nFeaturesIn: number;
  private readonly nComponents: number;

  constructor(
    readonly pythonClass: string,
    private readonly state: PCAState,
  ) {
    this.nFeaturesIn = state.n_features_in_;
    this.nComponents = state.components_.length / state.n_features_in_;
  }

  static fromState(state: Map<string, PyValue>, pythonClass: string): PCA {
    const r = new StateReader(state, pythonClass);
    return new PCA(pythonClass, {
      components_: r.float64('components_'),
      mean_: r.value('mean_') === null ? null : r.float64('mean_'),
      explained_variance_: r.float64('explained_variance_'),
      whiten: r.value('whiten') === true,
      n_features_in_: r.optionalNumber('n_features_in_') ?? r.array('components_').shape[1],
    });
  }

  transform(X: EstimatorInput): DenseMatrix {
    const input = toDense(numericInput(X, 'PCA'));
    const { mean_, components_, whiten, explained_variance_ } = this.state;
    const centred = Float64Array.from(input.data);
    if (mean_ !== null) for (let i = 0; i < centred.length; i++) centred[i] -= mean_[i % input.cols];
    const out = affine({ ...input, data: centred }, components_, this.nComponents, 0);
    if (whiten) {
      for (let i = 0; i < out.data.length; i++) out.data[i] /= Math.sqrt(explained_variance_[i % this.nComponents]);
    }
    return out;
  }
}
