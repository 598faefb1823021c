import type { BuildContext } from '../base';
import type { PyValue } from '../../pickle/python-value';
import { UnsupportedEstimatorError } from '../errors';
import type { DenseMatrix, EstimatorInput } from '../matrix';
import { denseMatrix } from '../matrix';
import { StateReader } from '../state-reader';
import { pickByVersion, stateVersion, type SinceVersion } from '../versions';
import { softmaxRows } from './activations';
import { LinearClassifier, type LinearClassifierState } from './linear-classifier';

/** The pickled `__dict__` fields LogisticRegression uses. */
export interface LogisticRegressionState extends LinearClassifierState {
  /** Absent from files of scikit-learn 1.8 and newer. */
  multi_class?: string;
  solver: string;
}

/** How `predict_proba` turns decision values into probabilities: one-vs-rest or softmax. */
type ProbaRule = 'ovr' | 'softmax';

interface MultiClassRule extends SinceVersion {
  /** The `multi_class` values this version writes, or null when the attribute no longer exists. */
  readonly values: ReadonlySet<string> | null;
  readonly rule: (state: LogisticRegressionState, nClasses: number) => ProbaRule;
}

/** `multi_class='auto'`: one-vs-rest for two classes or the solvers without a multinomial loss. */
const auto = (state: LogisticRegressionState, nClasses: number): ProbaRule =>
  nClasses <= 2 || state.solver === 'liblinear' || state.solver === 'newton-cholesky' ? 'ovr' : 'softmax';

const byValue = (state: LogisticRegressionState, nClasses: number): ProbaRule => {
  const mc = state.multi_class as string;
  if (mc === 'ovr' || mc === 'warn') return 'ovr';
  if (mc === 'multinomial') return 'softmax';
  return auto(state, nClasses); // 'auto', and 'deprecated' (1.5-1.7), which behaves as 'auto'
};

/**
 * `LogisticRegression.predict_proba` by the version that wrote the file
 * (`sklearn/linear_model/_logistic.py`, `predict_proba`, at each tag):
 * - up to 1.4: `ovr = multi_class in ["ovr", "warn"] or (multi_class == "auto" and (n_classes <= 2
 *   or solver in ("liblinear", "newton-cholesky")))`; otherwise softmax (`[-d, d]` for two classes);
 * - 1.5-1.7: the same, with the new default `"deprecated"` read as `"auto"`. So a binary model saved
 *   with the default is one-vs-rest there: `[1 - expit(d), expit(d)]`, NOT the 2-class softmax;
 * - 1.8+: `multi_class` is gone: two classes are one-vs-rest (`_predict_proba_lr`), more are softmax.
 */
const MULTI_CLASS_RULES: readonly MultiClassRule[] = [
  { since: '0', values: new Set(['ovr', 'multinomial', 'auto', 'warn']), rule: byValue },
  { since: '1.5', values: new Set(['ovr', 'multinomial', 'auto', 'deprecated']), rule: byValue },
  { since: '1.8', values: null, rule: (_state, nClasses) => (nClasses <= 2 ? 'ovr' : 'softmax') },
];

/**
 * `sklearn.linear_model.LogisticRegression`: the linear decision function, and `predict_proba`
 * one-vs-rest (expit, rows renormalised) or softmax as the file's version decides
 * ({@link MULTI_CLASS_RULES}).
 */
export class LogisticRegression extends LinearClassifier {
  static readonly pythonNames = [
    'sklearn.linear_model._logistic.LogisticRegression',
    'sklearn.linear_model.logistic.LogisticRegression',
    // LogisticRegressionCV predicts with the refitted coef_/intercept_ through the same methods
    'sklearn.linear_model._logistic.LogisticRegressionCV',
  ];
  private readonly ovr: boolean;

  constructor(pythonClass: string, state: LogisticRegressionState, version?: string) {
    super(pythonClass, state);
    const { values, rule } = pickByVersion(MULTI_CLASS_RULES, version);
    if (values !== null && (state.multi_class === undefined || !values.has(state.multi_class))) {
      const found = state.multi_class === undefined ? 'is missing' : `is ${JSON.stringify(state.multi_class)}`;
      throw new UnsupportedEstimatorError(
        pythonClass,
        version,
        `its attribute multi_class ${found}, which scikit-learn ${version ?? '(unknown version)'} does not write ` +
          `(expected one of ${[...values].join(', ')}); the file's state does not match its version, so it is refused rather than guessed`,
      );
    }
    this.ovr = rule(state, state.classes_.length) === 'ovr';
  }

  static fromState(state: Map<string, PyValue>, pythonClass: string, context?: BuildContext): LogisticRegression {
    const reader = new StateReader(state, pythonClass);
    const multiClass = state.get('multi_class');
    return new LogisticRegression(
      pythonClass,
      {
        ...LinearClassifier.readState(reader),
        multi_class: typeof multiClass === 'string' ? multiClass : undefined,
        solver: reader.string('solver'),
      },
      stateVersion(state, context?.sklearnVersion),
    );
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
