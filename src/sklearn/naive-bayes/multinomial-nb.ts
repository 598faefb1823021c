import type { Label } from '../base';
import type { PyValue } from '../../pickle/python-value';
import type { DenseMatrix, EstimatorInput } from '../matrix';
import { affine, numericInput } from '../linear/numeric-input';
import { StateReader } from '../state-reader';
import { expectLength } from '../linear/state-checks';
import { NaiveBayes } from './naive-bayes';

/** The pickled `__dict__` fields the discrete naive Bayes models use. */
export interface DiscreteNBState {
  classes_: Label[];
  /** (n_classes, n_features) */
  feature_log_prob_: Float64Array;
  class_log_prior_: Float64Array;
}

/** Reads the discrete NB state shared by Multinomial/Complement/Bernoulli. */
export function readDiscreteNB(state: Map<string, PyValue>, pythonClass: string): DiscreteNBState & { reader: StateReader } {
  const reader = new StateReader(state, pythonClass);
  const classes = reader.labels('classes_');
  const flp = reader.float64('feature_log_prob_');
  const prior = reader.float64('class_log_prior_');
  if (classes.length === 0 || flp.length % classes.length !== 0) throw reader.error('feature_log_prob_', `${flp.length} values do not split into ${classes.length} classes`);
  expectLength(reader, 'class_log_prior_', prior.length, classes.length);
  return { reader, classes_: classes, feature_log_prob_: flp, class_log_prior_: prior };
}

/** `sklearn.naive_bayes.MultinomialNB`: `X @ feature_log_prob_.T + class_log_prior_`; dense or CSR rows. */
export class MultinomialNB extends NaiveBayes {
  static readonly pythonNames: readonly string[] = ['sklearn.naive_bayes.MultinomialNB'];
  readonly nFeaturesIn: number;
  readonly classes: Label[];

  constructor(
    readonly pythonClass: string,
    protected readonly state: DiscreteNBState,
  ) {
    super();
    this.classes = state.classes_;
    this.nFeaturesIn = state.feature_log_prob_.length / state.classes_.length;
  }

  static fromState(state: Map<string, PyValue>, pythonClass: string): MultinomialNB {
    return new MultinomialNB(pythonClass, readDiscreteNB(state, pythonClass));
  }

  protected jointLogLikelihood(X: EstimatorInput): DenseMatrix {
    return affine(numericInput(X, 'MultinomialNB'), this.state.feature_log_prob_, this.classes.length, this.state.class_log_prior_);
  }
}
