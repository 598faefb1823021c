import { PyObject, type PyValue } from '../pickle/python-value';
import type { BuildContext, Estimator, Label } from '../sklearn/base';
import { EstimatorStateError } from '../sklearn/errors';
import { denseMatrix, rowsOf, type DenseMatrix, type EstimatorInput } from '../sklearn/matrix';
import { StateReader, describeValue, shortName, toNumber } from '../sklearn/state-reader';
import { Booster } from './booster';
import { XGBoostUnsupportedError } from './errors';
import { scipySoftmax32 } from './objectives';
import { toXGBoostRows } from './xgb-input';

/**
 * The scikit-learn wrappers of XGBoost (`xgboost/sklearn.py`, 1.3 to 3.x): `XGBClassifier`,
 * `XGBRegressor` and their random-forest twins. A pickle holds the wrapper's parameters and a
 * `Booster` whose `handle` is the model as bytes (`Booster.__getstate__`); those bytes are read by
 * {@link Booster.fromBytes}, nothing runs.
 *
 * Methods follow the wrapper: `predict` and `predict_proba` as XGBoost computes them (float32,
 * up to `best_iteration` when the booster records one), and `decision_function` = the raw margin
 * (`predict(X, output_margin=True)`; XGBoost itself has no decision_function).
 */
abstract class XGBModel implements Estimator {
  readonly nFeaturesIn: number;

  protected constructor(
    readonly pythonClass: string,
    readonly booster: Booster,
    /** The wrapper's `missing` marker (NaN by default). */
    protected readonly missing: number,
    /** `iteration_range=(0, n)` the wrapper predicts with (0 = all trees). */
    protected readonly iterations: number,
  ) {
    this.nFeaturesIn = booster.numFeature;
  }

  protected rows(X: EstimatorInput): Float32Array {
    return toXGBoostRows(X, this.booster.numFeature, this.missing, shortName(this.pythonClass));
  }

  /** Raw margins: 1-D for one output group, `(n, classes)` otherwise. */
  decisionFunction(X: EstimatorInput): Float64Array | DenseMatrix {
    const margin = this.booster.margin(this.rows(X), rowsOf(X), this.iterations);
    return shaped(margin, rowsOf(X), this.booster.groups);
  }
}

/** Reads what every wrapper shares: the Booster bytes, `missing`, the best iteration. */
function readWrapper(state: Map<string, PyValue>, pythonClass: string, context: BuildContext): { booster: Booster; missing: number; iterations: number; reader: StateReader } {
  const reader = new StateReader(state, pythonClass);
  const name = shortName(pythonClass);
  if (!reader.has('_Booster')) throw reader.error('_Booster', 'is missing: the model was pickled before fit(); fit it, then save it again');
  const boosterObject = reader.object('_Booster');
  const boosterState = StateReader.of(boosterObject, `${name}._Booster`);
  const handle = boosterState.value('handle');
  if (!(handle instanceof Uint8Array)) throw boosterState.error('handle', `expected the model bytes (a bytearray), got ${describeValue(handle)}`);
  const objectiveParam = reader.has('objective') ? reader.value('objective') : null;
  if (objectiveParam !== null && typeof objectiveParam !== 'string') {
    throw new XGBoostUnsupportedError(`${name} was trained with a custom objective function (${describeValue(objectiveParam)}); only XGBoost's built-in objectives can be evaluated.`);
  }
  const booster = Booster.fromBytes(handle, `${name}._Booster (saved by ${context.sklearnVersion === undefined ? 'XGBoost' : `scikit-learn ${context.sklearnVersion}`})`);
  // missing=None (XGBoost < 1.0 allowed it) means NaN, the default
  const missingRaw = reader.has('missing') ? reader.value('missing') : null;
  const missingValue = missingRaw === null ? NaN : toNumber(missingRaw);
  if (missingValue === undefined) throw reader.error('missing', `expected a number or None, got ${describeValue(reader.value('missing'))}`);
  // Booster.best_iteration: a Python attribute (XGBoost < 1.4 kept it in __dict__) or the learner attribute
  const best = boosterState.optionalNumber('best_iteration') ?? booster.summary.bestIteration;
  return { booster, missing: missingValue, iterations: best === undefined ? 0 : best + 1, reader };
}

/** `XGBClassifier`, `XGBRFClassifier`. */
export class XGBClassifier extends XGBModel {
  static readonly pythonNames = ['xgboost.sklearn.XGBClassifier', 'xgboost.sklearn.XGBRFClassifier'];

  private constructor(
    pythonClass: string,
    booster: Booster,
    missing: number,
    iterations: number,
    readonly classes: readonly Label[],
    /** The wrapper's `objective` parameter: `multi:softmax` changes predict_proba. */
    private readonly objectiveParam: string,
  ) {
    super(pythonClass, booster, missing, iterations);
  }

  static fromState(state: Map<string, PyValue>, pythonClass: string, context: BuildContext): XGBClassifier {
    const { booster, missing, iterations, reader } = readWrapper(state, pythonClass, context);
    if (booster.objective.kind === 'regression') {
      throw new EstimatorStateError(`${shortName(pythonClass)}: the booster's objective is ${booster.objective.name}, a regression objective; expected a classifier.`);
    }
    const nClasses = reader.optionalNumber('n_classes_') ?? (booster.groups > 1 ? booster.groups : 2);
    // XGBoost < 1.6 decoded labels with a LabelEncoder (`_le`); later versions keep classes_ = 0..n-1
    let classes: Label[];
    if (reader.has('_le') && reader.value('_le') instanceof PyObject) classes = StateReader.of(reader.value('_le'), `${shortName(pythonClass)}._le`).labels('classes_');
    else classes = Array.from({ length: nClasses }, (_, i) => i);
    if (classes.length !== nClasses || (booster.groups > 1 && booster.groups !== nClasses)) {
      throw reader.error('n_classes_', `is ${nClasses}, but the booster has ${booster.groups} output groups and ${classes.length} labels`);
    }
    const objectiveParam = reader.has('objective') ? (reader.value('objective') as string) : booster.objective.name;
    return new XGBClassifier(pythonClass, booster, missing, iterations, classes, objectiveParam);
  }

  /** `predict_proba`: `[1 - p, p]` for binary objectives, the softmax for multi-class ones (float32). */
  predictProba(X: EstimatorInput): DenseMatrix {
    const n = rowsOf(X);
    const K = this.booster.groups;
    const rows = this.rows(X);
    if (this.objectiveParam === 'multi:softmax') {
      // the wrapper applies scipy.special.softmax to the float32 margins
      const margin = this.booster.margin(rows, n, this.iterations);
      const out = new Float32Array(n * K);
      for (let r = 0; r < n; r++) scipySoftmax32(margin, r * K, K, out, r * K);
      return denseMatrix(n, K, Float64Array.from(out));
    }
    const predicted = this.booster.predict(rows, n, this.iterations);
    if (K > 1) return denseMatrix(n, K, Float64Array.from(predicted));
    const out = denseMatrix(n, 2);
    for (let r = 0; r < n; r++) {
      out.data[2 * r] = Math.fround(1 - predicted[r]);
      out.data[2 * r + 1] = predicted[r];
    }
    return out;
  }

  /** `predict`: argmax for multi-class, `p > 0.5` for binary (of the margin for binary:logitraw, as XGBoost does). */
  predict(X: EstimatorInput): Label[] {
    const n = rowsOf(X);
    const K = this.booster.groups;
    const predicted = this.booster.predict(this.rows(X), n, this.iterations);
    const width = predicted.length / n;
    const labels: Label[] = new Array<Label>(n);
    for (let r = 0; r < n; r++) {
      let index: number;
      if (width === 1) index = K > 1 ? predicted[r] : predicted[r] > 0.5 ? 1 : 0;
      else {
        index = 0;
        for (let k = 1; k < width; k++) if (predicted[r * width + k] > predicted[r * width + index]) index = k;
      }
      labels[r] = this.classes[index];
    }
    return labels;
  }
}

/** `XGBRegressor`, `XGBRFRegressor`: `predict` is the booster's transformed output. */
export class XGBRegressor extends XGBModel {
  static readonly pythonNames = ['xgboost.sklearn.XGBRegressor', 'xgboost.sklearn.XGBRFRegressor'];

  static fromState(state: Map<string, PyValue>, pythonClass: string, context: BuildContext): XGBRegressor {
    const { booster, missing, iterations } = readWrapper(state, pythonClass, context);
    if (booster.objective.kind !== 'regression') {
      throw new EstimatorStateError(`${shortName(pythonClass)}: the booster's objective is ${booster.objective.name}, a classification objective; expected a regressor.`);
    }
    return new XGBRegressor(pythonClass, booster, missing, iterations);
  }

  predict(X: EstimatorInput): Float64Array {
    return Float64Array.from(this.booster.predict(this.rows(X), rowsOf(X), this.iterations));
  }
}

/**
 * A bare XGBoost model file (`.json`, `.ubj` from `Booster.save_model`) as an estimator:
 * `predict` is `Booster.predict` (probabilities for binary:logistic, class indices for
 * multi:softmax, values for regression), `decision_function` the margin, and for classification
 * objectives `predict_proba` as the scikit-learn wrapper would give it. All trees are used, as
 * `Booster.predict` does by default.
 */
export class XGBoostBoosterModel implements Estimator {
  readonly pythonClass = 'xgboost.core.Booster';
  readonly nFeaturesIn: number;
  readonly classes: readonly Label[] | undefined;
  readonly predictProba?: (X: EstimatorInput) => DenseMatrix;

  constructor(readonly booster: Booster) {
    this.nFeaturesIn = booster.numFeature;
    const K = booster.groups;
    if (booster.objective.kind !== 'regression') {
      this.classes = Array.from({ length: Math.max(K, 2) }, (_, i) => i);
      this.predictProba = (X) => {
        const n = rowsOf(X);
        const rows = toXGBoostRows(X, booster.numFeature, NaN, 'Booster');
        if (K > 1) {
          const margin = booster.margin(rows, n);
          const out = new Float32Array(n * K);
          for (let r = 0; r < n; r++) scipySoftmax32(margin, r * K, K, out, r * K);
          return denseMatrix(n, K, Float64Array.from(out));
        }
        const p = booster.predict(rows, n);
        const out = denseMatrix(n, 2);
        for (let r = 0; r < n; r++) {
          out.data[2 * r] = Math.fround(1 - p[r]);
          out.data[2 * r + 1] = p[r];
        }
        return out;
      };
    }
  }

  predict(X: EstimatorInput): Float64Array | DenseMatrix {
    const n = rowsOf(X);
    const out = this.booster.predict(toXGBoostRows(X, this.booster.numFeature, NaN, 'Booster'), n);
    return shaped(out, n, out.length / Math.max(n, 1));
  }

  decisionFunction(X: EstimatorInput): Float64Array | DenseMatrix {
    const n = rowsOf(X);
    return shaped(this.booster.margin(toXGBoostRows(X, this.booster.numFeature, NaN, 'Booster'), n), n, this.booster.groups);
  }
}

function shaped(values: Float32Array, rows: number, width: number): Float64Array | DenseMatrix {
  const data = Float64Array.from(values);
  return width === 1 ? data : denseMatrix(rows, width, data);
}
