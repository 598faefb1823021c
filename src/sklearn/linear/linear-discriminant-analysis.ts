import type { PyValue } from '../../pickle/python-value';
import type { DenseMatrix, EstimatorInput } from '../matrix';
import { binaryProba, denseMatrix } from '../matrix';
import { StateReader } from '../state-reader';
import { expit, softmaxRows } from './activations';
import { LinearClassifier, type LinearClassifierState } from './linear-classifier';
import { numericInput, toDense } from './numeric-input';

/** LDA's projection state (`transform`), absent for the lsqr solver. */
interface Projection {
  /** (n_features, n_scalings) */
  scalings_: Float64Array;
  nScalings: number;
  /** subtracted first with the svd solver */
  xbar_: Float64Array | null;
  _max_components: number;
}

/**
 * `sklearn.discriminant_analysis.LinearDiscriminantAnalysis` (discriminant_analysis.py, 1.2.1):
 * LinearClassifierMixin's decision_function/predict; `predict_proba` is expit (`[1 - p, p]`) for two
 * classes, softmax otherwise; `transform` is `(X - xbar_) @ scalings_` (svd) or `X @ scalings_`
 * (eigen), first `_max_components` columns.
 */
export class LinearDiscriminantAnalysis extends LinearClassifier {
  static readonly pythonNames = ['sklearn.discriminant_analysis.LinearDiscriminantAnalysis'];

  constructor(
    pythonClass: string,
    state: LinearClassifierState,
    private readonly projection: Projection | null,
  ) {
    super(pythonClass, state);
    if (projection === null) Object.defineProperty(this, 'transform', { value: undefined });
  }

  static fromState(state: Map<string, PyValue>, pythonClass: string): LinearDiscriminantAnalysis {
    const r = new StateReader(state, pythonClass);
    const solver = r.string('solver');
    let projection: Projection | null = null;
    if (solver !== 'lsqr') {
      const scalings = r.array('scalings_');
      projection = {
        scalings_: scalings.toFloat64(),
        nScalings: scalings.shape[1],
        xbar_: solver === 'svd' ? r.float64('xbar_') : null,
        _max_components: r.number('_max_components'),
      };
    }
    return new LinearDiscriminantAnalysis(pythonClass, LinearClassifier.readState(r), projection);
  }

  predictProba(X: EstimatorInput): DenseMatrix {
    const scores = this.scores(X);
    if (scores.cols !== 1) return softmaxRows(scores);
    return binaryProba(scores.data, expit);
  }

  transform(X: EstimatorInput): DenseMatrix {
    const p = this.projection as Projection;
    const input = toDense(numericInput(X, 'LinearDiscriminantAnalysis'));
    const d = input.cols;
    const k = Math.min(p._max_components, p.nScalings);
    const out = denseMatrix(input.rows, k);
    const row = new Float64Array(d);
    for (let r = 0; r < input.rows; r++) {
      for (let c = 0; c < d; c++) row[c] = input.data[r * d + c] - (p.xbar_ === null ? 0 : p.xbar_[c]);
      for (let j = 0; j < k; j++) {
        let sum = 0;
        for (let c = 0; c < d; c++) sum += row[c] * p.scalings_[c * p.nScalings + j];
        out.data[r * k + j] = sum;
      }
    }
    return out;
  }
}
