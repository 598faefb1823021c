import type { BuildContext } from '../base';
import type { PyValue } from '../../pickle/python-value';
import type { DenseMatrix, EstimatorInput } from '../matrix';
import { denseMatrix } from '../matrix';
import { StateReader } from '../state-reader';
import { softmaxRows } from './activations';
import { LinearClassifier, type LinearClassifierState } from './linear-classifier';

/** The pickled `__dict__` fields LogisticRegression uses (sklearn 1.2.1). */
export interface LogisticRegressionState extends LinearClassifierState {
  multi_class: string;
  solver: string;
}

/**
 * `sklearn.linear_model.LogisticRegression` (sklearn/linear_model/_logistic.py, 1.2.1).
 * `predict_proba` is one-vs-rest (expit, renormalised) when `multi_class` is "ovr", or "auto" with two
 * classes or the liblinear solver; otherwise the softmax of the decision values (`[-d, d]` for two
 * classes).
 */
export class LogisticRegression extends LinearClassifier {
  static readonly pythonNames = [
    'sklearn.linear_model._logistic.LogisticRegression',
    'sklearn.linear_model.logistic.LogisticRegression',
    // LogisticRegressionCV predicts with the refitted coef_/intercept_ through the same methods
    'sklearn.linear_model._logistic.LogisticRegressionCV',
  ];
  private readonly ovr: boolean;

  constructor(pythonClass: string, state: LogisticRegressionState) {
    super(pythonClass, state);
    const mc = state.multi_class;
    this.ovr = mc === 'ovr' || (mc === 'auto' && (state.classes_.length <= 2 || state.solver === 'liblinear'));
  }

  static fromState(state: Map<string, PyValue>, pythonClass: string, _context?: BuildContext): LogisticRegression {
    const reader = new StateReader(state, pythonClass);
    return new LogisticRegression(pythonClass, {
      ...LinearClassifier.readState(reader),
      multi_class: reader.string('multi_class'),
      solver: reader.string('solver'),
    });
  }

  predictProba(X: EstimatorInput): DenseMatrix {
    if (this.ovr) return this.ovrProba(X);
    const scores = this.scores(X);
    if (scores.cols !== 1) return softmaxRows(scores);
    const two = denseMatrix(scores.rows, 2);
    for (let r = 0; r < scores.rows; r++) {
      two.data[2 * r] = -scores.data[r];
      two.data[2 * r + 1] = scores.data[r];
    }
    return softmaxRows(two);
  }
}
