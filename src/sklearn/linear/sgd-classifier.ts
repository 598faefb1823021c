import type { PyValue } from '../../pickle/python-value';
import type { DenseMatrix, EstimatorInput } from '../matrix';
import { binaryProba } from '../matrix';
import { StateReader } from '../state-reader';
import { LinearClassifier, type LinearClassifierState } from './linear-classifier';

/** The pickled `__dict__` fields SGDClassifier uses (sklearn 1.2.1). */
export interface SGDClassifierState extends LinearClassifierState {
  /** Python's `loss` parameter; "log" is the pre-1.1 name of "log_loss". */
  loss: string;
}

/**
 * `sklearn.linear_model.SGDClassifier` (sklearn/linear_model/_stochastic_gradient.py, 1.2.1).
 * `predict_proba` exists for `log_loss` (one-vs-rest expit, renormalised) and `modified_huber`
 * (`(clip(d, -1, 1) + 1) / 2`, renormalised; all-zero rows become uniform), as in Python.
 */
export class SGDClassifier extends LinearClassifier {
  /** Perceptron and PassiveAggressiveClassifier are BaseSGDClassifiers too (hinge/perceptron: no predict_proba). */
  static readonly pythonNames = [
    'sklearn.linear_model._stochastic_gradient.SGDClassifier',
    'sklearn.linear_model.stochastic_gradient.SGDClassifier',
    'sklearn.linear_model._perceptron.Perceptron',
    'sklearn.linear_model._passive_aggressive.PassiveAggressiveClassifier',
  ];
  private readonly loss: string;

  constructor(pythonClass: string, state: SGDClassifierState) {
    super(pythonClass, state);
    this.loss = state.loss;
    if (this.loss !== 'log_loss' && this.loss !== 'log' && this.loss !== 'modified_huber') {
      // Python has no predict_proba for the other losses: make the method absent, not wrong.
      Object.defineProperty(this, 'predictProba', { value: undefined });
    }
  }

  static fromState(state: Map<string, PyValue>, pythonClass: string): SGDClassifier {
    const reader = new StateReader(state, pythonClass);
    return new SGDClassifier(pythonClass, { ...LinearClassifier.readState(reader), loss: reader.string('loss') });
  }

  predictProba(X: EstimatorInput): DenseMatrix {
    if (this.loss !== 'modified_huber') return this.ovrProba(X);
    const scores = this.scores(X);
    const clip = (d: number) => (Math.min(Math.max(d, -1), 1) + 1) / 2;
    if (scores.cols === 1) return binaryProba(scores.data, clip);
    const k = scores.cols;
    for (let r = 0; r < scores.rows; r++) {
      let sum = 0;
      for (let c = 0; c < k; c++) {
        const p = clip(scores.data[r * k + c]);
        scores.data[r * k + c] = p;
        sum += p;
      }
      for (let c = 0; c < k; c++) scores.data[r * k + c] = sum === 0 ? 1 / k : scores.data[r * k + c] / sum;
    }
    return scores;
  }
}
