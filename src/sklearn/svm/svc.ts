import type { BuildContext, Estimator, Label } from '../base';
import type { PyValue } from '../../pickle/python-value';
import { EstimatorMethodError } from '../errors';
import type { DenseMatrix, EstimatorInput } from '../matrix';
import { denseMatrix } from '../matrix';
import { argmaxRows, numericInput } from '../linear/numeric-input';
import { StateReader } from '../state-reader';
import { checkLibsvmShapes, libsvmInput, type LibsvmState, pairwiseDecisionValues, readLibsvmState } from './libsvm-model';
import { libsvmProbabilities } from './platt-coupling';

/** The pickled `__dict__` fields SVC/NuSVC use beyond libsvm's. */
export interface SVCState extends LibsvmState {
  classes_: Label[];
  decision_function_shape: string;
  break_ties: boolean;
  probability: boolean;
  _probA: Float64Array;
  _probB: Float64Array;
}

/**
 * `sklearn.svm.SVC` and `NuSVC` (sklearn/svm/_base.py BaseSVC, 1.2.1) over libsvm's one-vs-one
 * decision values:
 * - `decision_function`: two classes -> minus libsvm's value (sklearn's sign flip); more classes ->
 *   the pairwise values ("ovo") or `_ovr_decision_function(dec < 0, -dec, n_classes)` ("ovr");
 * - `predict`: libsvm's vote (first class with most votes), or arg-max of the ovr values with
 *   `break_ties`;
 * - `predict_proba` (when fitted with probability=True): Platt + pairwise coupling, see platt-coupling.ts.
 */
export class SVC implements Estimator {
  static readonly pythonNames: readonly string[] = ['sklearn.svm._classes.SVC', 'sklearn.svm._classes.NuSVC', 'sklearn.svm.classes.SVC', 'sklearn.svm.classes.NuSVC'];
  readonly nFeaturesIn: number;
  /** `classes_` */
  readonly classes: Label[];

  constructor(
    readonly pythonClass: string,
    private readonly state: SVCState,
  ) {
    this.nFeaturesIn = state.n_features_in_;
    this.classes = state.classes_;
    // sklearn's `available_if`: without probability=True the method does not exist at all.
    if (!state.probability || state._probA.length === 0) Object.defineProperty(this, 'predictProba', { value: undefined });
  }

  static fromState(state: Map<string, PyValue>, pythonClass: string, context?: BuildContext): SVC {
    const r = new StateReader(state, pythonClass);
    const libsvm = readLibsvmState(r, context?.sklearnVersion);
    const classes = r.labels('classes_');
    checkLibsvmShapes(r, libsvm, classes.length);
    // `_probA/_probB` from sklearn 0.23; earlier files: `probA_/probB_`
    const [nameA, nameB] = r.has('_probA') ? ['_probA', '_probB'] : ['probA_', 'probB_'];
    const probA = r.float64(nameA);
    const probB = r.float64(nameB);
    const pairs = (classes.length * (classes.length - 1)) / 2;
    if (probA.length !== 0 && (probA.length !== pairs || probB.length !== pairs)) throw r.error(nameA, `expected ${pairs} Platt parameters`);
    return new SVC(pythonClass, {
      ...libsvm,
      classes_: classes,
      decision_function_shape: r.string('decision_function_shape'),
      break_ties: r.has('break_ties') && r.value('break_ties') === true,
      probability: r.value('probability') === true,
      _probA: probA,
      _probB: probB,
    });
  }

  private pairwise(X: EstimatorInput): DenseMatrix {
    return pairwiseDecisionValues(this.state, libsvmInput(this.state, numericInput(X, 'SVC')));
  }

  decisionFunction(X: EstimatorInput): Float64Array | DenseMatrix {
    const dec = this.pairwise(X);
    const k = this.state.classes_.length;
    if (k === 2) return Float64Array.from(dec.data, (v) => -v);
    return this.state.decision_function_shape === 'ovr' ? ovrDecision(dec, k) : dec;
  }

  predict(X: EstimatorInput): Label[] {
    const k = this.state.classes_.length;
    const dec = this.pairwise(X);
    if (this.state.break_ties && this.state.decision_function_shape === 'ovr' && k > 2) {
      return Array.from(argmaxRows(ovrDecision(dec, k)), (i) => this.state.classes_[i]);
    }
    const out: Label[] = [];
    const votes = new Int32Array(k);
    for (let r = 0; r < dec.rows; r++) {
      votes.fill(0);
      let p = 0;
      for (let i = 0; i < k; i++) for (let j = i + 1; j < k; j++) votes[dec.data[r * dec.cols + p++] > 0 ? i : j]++;
      let best = 0;
      for (let i = 1; i < k; i++) if (votes[i] > votes[best]) best = i;
      out.push(this.state.classes_[best]);
    }
    return out;
  }

  predictProba(X: EstimatorInput): DenseMatrix {
    if (!this.state.probability || this.state._probA.length === 0) {
      throw new EstimatorMethodError('SVC has no predict_proba: it was fitted with probability=False.');
    }
    const dec = this.pairwise(X);
    const k = this.state.classes_.length;
    const out = denseMatrix(dec.rows, k);
    for (let r = 0; r < dec.rows; r++) {
      out.data.set(libsvmProbabilities(dec.data.subarray(r * dec.cols, (r + 1) * dec.cols), this.state._probA, this.state._probB, k), r * k);
    }
    return out;
  }
}

/**
 * sklearn's `_ovr_decision_function(predictions=dec < 0, confidences=-dec, n_classes)`
 * (sklearn/utils/multiclass.py, 1.2.1): votes plus confidences squashed into (-1/3, 1/3).
 */
export function ovrDecision(dec: DenseMatrix, k: number): DenseMatrix {
  const out = denseMatrix(dec.rows, k);
  const sums = new Float64Array(k);
  for (let r = 0; r < dec.rows; r++) {
    sums.fill(0);
    const o = r * k;
    let p = 0;
    for (let i = 0; i < k; i++) {
      for (let j = i + 1; j < k; j++) {
        const d = dec.data[r * dec.cols + p++];
        const confidence = -d;
        sums[i] -= confidence;
        sums[j] += confidence;
        out.data[o + (d < 0 ? j : i)] += 1;
      }
    }
    for (let c = 0; c < k; c++) out.data[o + c] += sums[c] / (3 * (Math.abs(sums[c]) + 1));
  }
  return out;
}
