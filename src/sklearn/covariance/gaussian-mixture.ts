import type { BuildContext, Estimator, Label } from '../base';
import type { PyValue } from '../../pickle/python-value';
import { UnsupportedEstimatorError } from '../errors';
import type { DenseMatrix, EstimatorInput } from '../matrix';
import { denseMatrix } from '../matrix';
import { argmaxRows, numericInput, toDense } from '../linear/numeric-input';
import { pairwiseSum } from '../linear/activations';
import { StateReader } from '../state-reader';
import { expectLength } from '../linear/state-checks';

type CovarianceType = 'full' | 'tied' | 'diag' | 'spherical';

/** The pickled `__dict__` fields GaussianMixture uses. */
export interface GaussianMixtureState {
  covariance_type: CovarianceType;
  /** (k, d) */
  means_: Float64Array;
  weights_: Float64Array;
  /** full (k, d, d), tied (d, d), diag (k, d), spherical (k,) */
  precisions_cholesky_: Float64Array;
}

/**
 * `sklearn.mixture.GaussianMixture` (mixture/_gaussian_mixture.py and _base.py, 1.2.1), often used as
 * a density-based anomaly score: per component `-0.5 * (d log 2π + q) + log det(prec_chol) + log w`,
 * with `q` computed as sklearn does for each `covariance_type` (full/tied: `Σ (x·P - μ·P)²`; diag and
 * spherical: the expanded `μ²p - 2 x·(μp) + x²p`); `score_samples` is its logsumexp, `predict` the
 * arg-max component, `predict_proba` the responsibilities. Not supported: BayesianGaussianMixture.
 */
export class GaussianMixture implements Estimator {
  static readonly pythonNames: readonly string[] = ['sklearn.mixture._gaussian_mixture.GaussianMixture', 'sklearn.mixture.gaussian_mixture.GaussianMixture'];
  readonly nFeaturesIn: number;
  private readonly k: number;
  private readonly logDet: Float64Array;

  constructor(
    readonly pythonClass: string,
    private readonly state: GaussianMixtureState,
  ) {
    this.k = state.weights_.length;
    const d = (this.nFeaturesIn = state.means_.length / this.k);
    const p = state.precisions_cholesky_;
    this.logDet = new Float64Array(this.k);
    const tmp = new Float64Array(d);
    for (let c = 0; c < this.k; c++) {
      if (state.covariance_type === 'spherical') {
        this.logDet[c] = d * Math.log(p[c]);
        continue;
      }
      for (let i = 0; i < d; i++) {
        tmp[i] = Math.log(state.covariance_type === 'full' ? p[c * d * d + i * d + i] : state.covariance_type === 'tied' ? p[i * d + i] : p[c * d + i]);
      }
      this.logDet[c] = pairwiseSum(tmp, 0, d);
    }
  }

  static fromState(state: Map<string, PyValue>, pythonClass: string, context?: BuildContext): GaussianMixture {
    const r = new StateReader(state, pythonClass);
    const type = r.string('covariance_type');
    if (type !== 'full' && type !== 'tied' && type !== 'diag' && type !== 'spherical') {
      throw new UnsupportedEstimatorError(pythonClass, context?.sklearnVersion, `covariance_type="${type}"`);
    }
    const s: GaussianMixtureState = {
      covariance_type: type,
      means_: r.float64('means_'),
      weights_: r.float64('weights_'),
      precisions_cholesky_: r.float64('precisions_cholesky_'),
    };
    const k = s.weights_.length;
    if (k === 0 || s.means_.length % k !== 0) throw r.error('means_', `${s.means_.length} values do not split into ${k} components`);
    const d = s.means_.length / k;
    const sizes = new Map<CovarianceType, number>([['full', k * d * d], ['tied', d * d], ['diag', k * d], ['spherical', k]]);
    expectLength(r, 'precisions_cholesky_', s.precisions_cholesky_.length, sizes.get(type) as number);
    return new GaussianMixture(pythonClass, s);
  }

  /** `_estimate_weighted_log_prob`: (n_samples, n_components). */
  private weightedLogProb(X: EstimatorInput): DenseMatrix {
    const input = toDense(numericInput(X, 'GaussianMixture'));
    const { means_: mu, precisions_cholesky_: p, covariance_type: type, weights_ } = this.state;
    const d = this.nFeaturesIn;
    const k = this.k;
    const out = denseMatrix(input.rows, k);
    const y = new Float64Array(d);
    for (let c = 0; c < k; c++) {
      const P = type === 'full' ? c * d * d : 0;
      // μ·P and the per-component constants, computed once as numpy does
      const muP = new Float64Array(d);
      if (type === 'full' || type === 'tied') {
        for (let j = 0; j < d; j++) {
          let s = 0;
          for (let i = 0; i < d; i++) s += mu[c * d + i] * p[P + i * d + j];
          muP[j] = s;
        }
      }
      let muSq = 0;
      if (type === 'diag') {
        for (let i = 0; i < d; i++) y[i] = mu[c * d + i] * mu[c * d + i] * p[c * d + i] ** 2;
        muSq = pairwiseSum(y, 0, d);
      } else if (type === 'spherical') {
        for (let i = 0; i < d; i++) y[i] = mu[c * d + i] * mu[c * d + i];
        muSq = pairwiseSum(y, 0, d) * p[c] ** 2;
      }
      for (let r = 0; r < input.rows; r++) {
        const x = r * d;
        let q: number;
        if (type === 'full' || type === 'tied') {
          for (let j = 0; j < d; j++) {
            let s = 0;
            for (let i = 0; i < d; i++) s += input.data[x + i] * p[P + i * d + j];
            const v = s - muP[j];
            y[j] = v * v;
          }
          q = pairwiseSum(y, 0, d);
        } else if (type === 'diag') {
          let cross = 0;
          let sq = 0;
          for (let i = 0; i < d; i++) {
            const prec = p[c * d + i] ** 2;
            cross += input.data[x + i] * (mu[c * d + i] * prec);
            sq += input.data[x + i] ** 2 * prec;
          }
          q = muSq - 2.0 * cross + sq;
        } else {
          const prec = p[c] ** 2;
          let cross = 0;
          for (let i = 0; i < d; i++) cross += input.data[x + i] * (mu[c * d + i] * prec);
          for (let i = 0; i < d; i++) y[i] = input.data[x + i] * input.data[x + i];
          q = muSq - 2 * cross + pairwiseSum(y, 0, d) * prec;
        }
        out.data[r * k + c] = -0.5 * (d * Math.log(2 * Math.PI) + q) + this.logDet[c] + Math.log(weights_[c]);
      }
    }
    return out;
  }

  scoreSamples(X: EstimatorInput): Float64Array {
    const w = this.weightedLogProb(X);
    return Float64Array.from({ length: w.rows }, (_, r) => logSumExpRow(w, r));
  }

  predictProba(X: EstimatorInput): DenseMatrix {
    const w = this.weightedLogProb(X);
    for (let r = 0; r < w.rows; r++) {
      const norm = logSumExpRow(w, r);
      for (let c = 0; c < w.cols; c++) w.data[r * w.cols + c] = Math.exp(w.data[r * w.cols + c] - norm);
    }
    return w;
  }

  predict(X: EstimatorInput): Label[] {
    return Array.from(argmaxRows(this.weightedLogProb(X)));
  }
}

/** scipy's `logsumexp` of one row: shifted by the (finite) row max, pairwise sum. */
function logSumExpRow(m: DenseMatrix, r: number): number {
  let max = -Infinity;
  for (let c = 0; c < m.cols; c++) max = Math.max(max, m.data[r * m.cols + c]);
  if (!Number.isFinite(max)) max = 0;
  const tmp = new Float64Array(m.cols);
  for (let c = 0; c < m.cols; c++) tmp[c] = Math.exp(m.data[r * m.cols + c] - max);
  return Math.log(pairwiseSum(tmp, 0, m.cols)) + max;
}
