import type { Label } from '../base';
import type { PyValue } from '../../pickle/python-value';
import type { DenseMatrix, EstimatorInput } from '../matrix';
import { affine, numericInput } from '../linear/numeric-input';
import { NaiveBayes } from './naive-bayes';
import { type DiscreteNBState, readDiscreteNB } from './multinomial-nb';

/** `sklearn.naive_bayes.ComplementNB`: `X @ feature_log_prob_.T`, plus the prior only with one class. */
export class ComplementNB extends NaiveBayes {
  static readonly pythonNames: readonly string[] = ['sklearn.naive_bayes.ComplementNB'];
  readonly nFeaturesIn: number;
  readonly classes: Label[];

  constructor(
    readonly pythonClass: string,
    private readonly state: DiscreteNBState,
  ) {
    super();
    this.classes = state.classes_;
    this.nFeaturesIn = state.feature_log_prob_.length / state.classes_.length;
  }

  static fromState(state: Map<string, PyValue>, pythonClass: string): ComplementNB {
    return new ComplementNB(pythonClass, readDiscreteNB(state, pythonClass));
  }

  protected jointLogLikelihood(X: EstimatorInput): DenseMatrix {
    const k = this.classes.length;
    return affine(numericInput(X, 'ComplementNB'), this.state.feature_log_prob_, k, k === 1 ? this.state.class_log_prior_ : 0);
  }
}
