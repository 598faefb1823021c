import type { BuildContext, Estimator, Label } from '../base';
import type { PyValue } from '../../pickle/python-value';
import { UnsupportedEstimatorError } from '../errors';
import type { EstimatorInput } from '../matrix';
import { numericInput, toDense } from '../linear/numeric-input';
import { StateReader } from '../state-reader';
import { expectLength } from '../linear/state-checks';

/** The pickled `__dict__` fields EllipticEnvelope uses. */
export interface EllipticEnvelopeState {
  location_: Float64Array;
  /** (n_features, n_features) */
  precision_: Float64Array;
  offset_: number;
}

/**
 * `sklearn.covariance.EllipticEnvelope` (covariance/_elliptic_envelope.py, 1.2.1):
 * `score_samples = -mahalanobis(X)`, where sklearn takes scipy's `cdist(..., "mahalanobis")` —
 * `sqrt(u · (VI u))` with `u = x - location_`, summed in index order — and squares it again (so we
 * round through the square root exactly as it does); `decision_function = score_samples - offset_`;
 * `predict` is 1 where that is >= 0, else -1.
 */
export class EllipticEnvelope implements Estimator {
  static readonly pythonNames: readonly string[] = ['sklearn.covariance._elliptic_envelope.EllipticEnvelope', 'sklearn.covariance.elliptic_envelope.EllipticEnvelope'];
  readonly nFeaturesIn: number;

  constructor(
    readonly pythonClass: string,
    private readonly state: EllipticEnvelopeState,
  ) {
    this.nFeaturesIn = state.location_.length;
  }

  static fromState(state: Map<string, PyValue>, pythonClass: string, context?: BuildContext): EllipticEnvelope {
    const r = new StateReader(state, pythonClass);
    if (!r.has('precision_') || r.value('precision_') === null) {
      throw new UnsupportedEstimatorError(pythonClass, context?.sklearnVersion, 'store_precision=False (the precision would need a pseudo-inverse); refit with store_precision=True');
    }
    const location = r.float64('location_');
    const precision = r.float64('precision_');
    expectLength(r, 'precision_', precision.length, location.length * location.length);
    return new EllipticEnvelope(pythonClass, { location_: location, precision_: precision, offset_: r.number('offset_') });
  }

  scoreSamples(X: EstimatorInput): Float64Array {
    const input = toDense(numericInput(X, 'EllipticEnvelope'));
    const n = this.nFeaturesIn;
    const u = new Float64Array(n);
    const out = new Float64Array(input.rows);
    for (let r = 0; r < input.rows; r++) {
      for (let i = 0; i < n; i++) u[i] = input.data[r * n + i] - this.state.location_[i];
      let s = 0;
      for (let i = 0; i < n; i++) {
        let row = 0;
        for (let j = 0; j < n; j++) row += u[j] * this.state.precision_[i * n + j];
        s += u[i] * row;
      }
      const dist = Math.sqrt(s);
      out[r] = -(dist * dist);
    }
    return out;
  }

  decisionFunction(X: EstimatorInput): Float64Array {
    return this.scoreSamples(X).map((v) => v - this.state.offset_);
  }

  predict(X: EstimatorInput): Label[] {
    return Array.from(this.decisionFunction(X), (v) => (v >= 0 ? 1 : -1));
  }
}
