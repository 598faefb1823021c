import type { Label } from '../base';
import type { PyValue } from '../../pickle/python-value';
import type { DenseMatrix, EstimatorInput } from '../matrix';
import { denseMatrix } from '../matrix';
import { numericInput, toDense } from '../linear/numeric-input';
import { pairwiseSum } from '../linear/activations';
import { StateReader } from '../state-reader';
import { expectLength } from '../linear/state-checks';
import { NaiveBayes } from './naive-bayes';

/** The pickled `__dict__` fields GaussianNB uses (`var_` from 1.0; `sigma_` before). */
export interface GaussianNBState {
  classes_: Label[];
  class_prior_: Float64Array;
  /** (n_classes, n_features) */
  theta_: Float64Array;
  var_: Float64Array;
}

/**
 * `sklearn.naive_bayes.GaussianNB`: for class i,
 * `log(prior_i) + (-0.5 * sum(log(2π var_i)) - 0.5 * sum((x - theta_i)² / var_i))`, sums pairwise.
 */
export class GaussianNB extends NaiveBayes {
  static readonly pythonNames: readonly string[] = ['sklearn.naive_bayes.GaussianNB'];
  readonly nFeaturesIn: number;
  readonly classes: Label[];
  private readonly logVarTerm: Float64Array;

  constructor(
    readonly pythonClass: string,
    private readonly state: GaussianNBState,
  ) {
    super();
    this.classes = state.classes_;
    const k = state.classes_.length;
    this.nFeaturesIn = state.theta_.length / k;
    const d = this.nFeaturesIn;
    this.logVarTerm = new Float64Array(k);
    const tmp = new Float64Array(d);
    for (let i = 0; i < k; i++) {
      for (let c = 0; c < d; c++) tmp[c] = Math.log(2.0 * Math.PI * state.var_[i * d + c]);
      this.logVarTerm[i] = -0.5 * pairwiseSum(tmp, 0, d);
    }
  }

  static fromState(state: Map<string, PyValue>, pythonClass: string): GaussianNB {
    const r = new StateReader(state, pythonClass);
    const s = {
      classes_: r.labels('classes_'),
      class_prior_: r.float64('class_prior_'),
      theta_: r.float64('theta_'),
      var_: r.float64(r.has('var_') ? 'var_' : 'sigma_'),
    };
    const k = s.classes_.length;
    if (k === 0 || s.theta_.length % k !== 0) throw r.error('theta_', `${s.theta_.length} values do not split into ${k} classes`);
    expectLength(r, 'var_', s.var_.length, s.theta_.length);
    expectLength(r, 'class_prior_', s.class_prior_.length, k);
    return new GaussianNB(pythonClass, s);
  }

  protected jointLogLikelihood(X: EstimatorInput): DenseMatrix {
    const input = toDense(numericInput(X, 'GaussianNB'));
    const k = this.classes.length;
    const d = this.nFeaturesIn;
    const out = denseMatrix(input.rows, k);
    const tmp = new Float64Array(d);
    for (let r = 0; r < input.rows; r++) {
      for (let i = 0; i < k; i++) {
        for (let c = 0; c < d; c++) {
          const diff = input.data[r * d + c] - this.state.theta_[i * d + c];
          tmp[c] = (diff * diff) / this.state.var_[i * d + c];
        }
        const nij = this.logVarTerm[i] - 0.5 * pairwiseSum(tmp, 0, d);
        out.data[r * k + i] = Math.log(this.state.class_prior_[i]) + nij;
      }
    }
    return out;
  }
}
