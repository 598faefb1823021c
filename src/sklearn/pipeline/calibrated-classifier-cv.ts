import type { BuildContext, Estimator, Label } from '../base';
import type { PyValue } from '../../pickle/python-value';
import { EstimatorStateError, UnsupportedEstimatorError } from '../errors';
import type { DenseMatrix, EstimatorInput } from '../matrix';
import { denseMatrix } from '../matrix';
import { argmaxRows } from '../linear/numeric-input';
import { expit, pairwiseSum } from '../linear/activations';
import { IsotonicRegression } from '../linear/isotonic-regression';
import { StateReader } from '../state-reader';

type Calibrator = (values: Float64Array) => Float64Array;

interface CalibratedMember {
  estimator: Estimator;
  /** column of each of the estimator's classes in the ensemble's classes_ */
  positions: number[];
  calibrators: Calibrator[];
}

/**
 * `sklearn.calibration.CalibratedClassifierCV` (calibration.py, 1.2.1). Each fitted member takes its
 * estimator's `decision_function` (or `predict_proba` without one; for two classes the positive column
 * only), maps every column through its calibrator — sigmoid `expit(-(a_ * f + b_))` or isotonic
 * interpolation — then normalises (two classes: `p0 = 1 - p1`; more: divide by the pairwise row sum,
 * uniform when it is 0) and snaps values in (1, 1 + 1e-5] to 1. `predict_proba` is the mean over
 * members (summed in order, divided once), `predict` its first arg-max.
 */
export class CalibratedClassifierCV implements Estimator {
  static readonly pythonNames: readonly string[] = ['sklearn.calibration.CalibratedClassifierCV'];
  readonly nFeaturesIn: number | undefined;
  readonly readsText: boolean;

  constructor(
    readonly pythonClass: string,
    /** `classes_` */
    readonly classes: Label[],
    private readonly members: CalibratedMember[],
  ) {
    this.nFeaturesIn = members[0]?.estimator.nFeaturesIn;
    this.readsText = members[0]?.estimator.readsText === true;
  }

  static fromState(state: Map<string, PyValue>, pythonClass: string, context: BuildContext): CalibratedClassifierCV {
    const r = new StateReader(state, pythonClass);
    const classes = r.labels('classes_');
    const members = r.list('calibrated_classifiers_').map((member, m) => {
      const c = StateReader.of(member, `${pythonClass}.calibrated_classifiers_[${m}]`);
      const inner = c.value(c.has('estimator') ? 'estimator' : 'base_estimator'); // renamed in 1.2
      const estimator = context.build(inner);
      const own = classesOf(inner, classes);
      const positions = own.map((label) => {
        const at = classes.findIndex((x) => x === label);
        if (at < 0) throw new EstimatorStateError(`${pythonClass}: member ${m} knows class ${String(label)}, which is not in classes_`);
        return at;
      });
      const calibrators = c.list('calibrators').map((cal, i) => readCalibrator(cal, `${pythonClass}.calibrated_classifiers_[${m}].calibrators[${i}]`, context));
      return { estimator, positions, calibrators };
    });
    if (members.length === 0) throw r.error('calibrated_classifiers_', 'is empty');
    return new CalibratedClassifierCV(pythonClass, classes, members);
  }

  predictProba(X: EstimatorInput): DenseMatrix {
    const k = this.classes.length;
    let mean: DenseMatrix | undefined;
    for (const member of this.members) {
      const proba = memberProba(member, X, k);
      if (mean === undefined) mean = denseMatrix(proba.rows, k);
      for (let i = 0; i < proba.data.length; i++) mean.data[i] += proba.data[i];
    }
    const out = mean as DenseMatrix;
    for (let i = 0; i < out.data.length; i++) out.data[i] /= this.members.length;
    return out;
  }

  predict(X: EstimatorInput): Label[] {
    return Array.from(argmaxRows(this.predictProba(X)), (i) => this.classes[i]);
  }
}

function memberProba(member: CalibratedMember, X: EstimatorInput, k: number): DenseMatrix {
  const est = member.estimator;
  let predictions: DenseMatrix;
  if (typeof est.decisionFunction === 'function') {
    const d = est.decisionFunction(X);
    predictions = d instanceof Float64Array ? { kind: 'dense', rows: d.length, cols: 1, data: d } : d;
  } else if (typeof est.predictProba === 'function') {
    const p = est.predictProba(X);
    predictions = k === 2 ? { kind: 'dense', rows: p.rows, cols: 1, data: p.data.filter((_, i) => i % 2 === 1) } : p;
  } else {
    throw new UnsupportedEstimatorError(est.pythonClass, undefined, 'a calibrated estimator needs decision_function or predict_proba');
  }
  const n = predictions.rows;
  const proba = denseMatrix(n, k);
  for (let c = 0; c < predictions.cols; c++) {
    const column = new Float64Array(n);
    for (let r = 0; r < n; r++) column[r] = predictions.data[r * predictions.cols + c];
    const calibrated = member.calibrators[c](column);
    const at = k === 2 ? member.positions[c] + 1 : member.positions[c];
    for (let r = 0; r < n; r++) proba.data[r * k + at] = calibrated[r];
  }
  for (let r = 0; r < n; r++) {
    const o = r * k;
    if (k === 2) proba.data[o] = 1.0 - proba.data[o + 1];
    else {
      const denominator = pairwiseSum(proba.data, o, k);
      for (let c = 0; c < k; c++) proba.data[o + c] = denominator !== 0 ? proba.data[o + c] / denominator : 1 / k;
    }
    for (let c = 0; c < k; c++) if (proba.data[o + c] > 1.0 && proba.data[o + c] <= 1.0 + 1e-5) proba.data[o + c] = 1.0;
  }
  return proba;
}

/** The inner estimator's classes_ (a Pipeline keeps them on its last step). */
function classesOf(value: PyValue, fallback: Label[]): Label[] {
  const r = StateReader.of(value, 'calibrated estimator');
  if (r.has('classes_')) return r.labels('classes_');
  if (r.pythonClass.endsWith('.FrozenEstimator')) return classesOf(r.value('estimator'), fallback); // 1.8's cv="prefit"
  if (r.has('steps')) {
    const steps = r.list('steps');
    const last = steps[steps.length - 1];
    if (Array.isArray(last)) return classesOf(last[1] as PyValue, fallback);
  }
  if (r.has('_label_binarizer')) return StateReader.of(r.value('_label_binarizer'), 'labels').labels('classes_');
  return fallback;
}

function readCalibrator(value: PyValue, what: string, context: BuildContext): Calibrator {
  const r = StateReader.of(value, what);
  if (r.pythonClass.endsWith('_SigmoidCalibration')) {
    const a = r.number('a_');
    const b = r.number('b_');
    return (values) => values.map((t) => expit(-(a * t + b)));
  }
  if (r.pythonClass.endsWith('IsotonicRegression')) {
    const iso = IsotonicRegression.fromState(r.state as Map<string, PyValue>, r.pythonClass, context);
    return (values) => iso.interpolate(values);
  }
  throw new UnsupportedEstimatorError(r.pythonClass, context.sklearnVersion, `${what}: unknown calibrator`);
}
