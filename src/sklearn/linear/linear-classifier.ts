import type { Estimator, Label } from '../base';
import type { DenseMatrix, EstimatorInput } from '../matrix';
import { binaryProba } from '../matrix';
import type { StateReader } from '../state-reader';
import { expit, pairwiseSum } from './activations';
import { affine, argmaxRows, column, numericInput } from './numeric-input';

/** What every linear classifier reads from its pickled `__dict__`. */
export interface LinearClassifierState {
  /** (n_classes or 1, n_features) */
  coef_: Float64Array;
  /** (n_classes or 1,), or the float 0.0 when fit_intercept=False */
  intercept_: Float64Array | number;
  classes_: Label[];
}

/**
 * sklearn's `LinearClassifierMixin` (sklearn/linear_model/_base.py, 1.2.1): `decision_function` is
 * `X @ coef_.T + intercept_` (raveled when there is one column), `predict` thresholds at 0 (binary)
 * or takes the first arg-max. Subclasses add `predict_proba` where their Python class has it.
 */
export abstract class LinearClassifier implements Estimator {
  readonly nFeaturesIn: number;
  protected readonly coef: Float64Array;
  protected readonly intercept: Float64Array | number;
  protected readonly nRows: number;
  readonly classes: Label[];

  constructor(
    readonly pythonClass: string,
    state: LinearClassifierState,
  ) {
    this.classes = state.classes_;
    this.coef = state.coef_;
    this.intercept = state.intercept_;
    this.nRows = this.classes.length === 2 ? 1 : this.classes.length;
    this.nFeaturesIn = this.coef.length / this.nRows;
  }

  /** Reads coef_, intercept_ and classes_ (checked for consistent shapes). */
  static readState(reader: StateReader, classes: Label[] = reader.labels('classes_')): LinearClassifierState {
    const coef = reader.float64('coef_');
    const intercept = readIntercept(reader);
    const rows = classes.length === 2 ? 1 : classes.length;
    if (coef.length % rows !== 0 || coef.length === 0) throw reader.error('coef_', `${coef.length} values do not split into ${rows} rows`);
    if (typeof intercept !== 'number' && intercept.length !== rows) throw reader.error('intercept_', `holds ${intercept.length} values for ${rows} rows of coef_`);
    return { coef_: coef, intercept_: intercept, classes_: classes };
  }

  /** (n_samples, n_classes) scores, or (n_samples,) for two classes. */
  decisionFunction(X: EstimatorInput): Float64Array | DenseMatrix {
    const scores = this.scores(X);
    return scores.cols === 1 ? column(scores, 0) : scores;
  }

  /** `coef_` (rows of nFeaturesIn values), its number of rows, and `intercept_`, read-only. */
  get weights(): { readonly coef: Float64Array; readonly rows: number; readonly intercept: Float64Array | number } {
    return { coef: this.coef, rows: this.nRows, intercept: this.intercept };
  }

  /**
   * This classifier with `X @ coef_.T + intercept_` computed by `scores` instead (every method of the
   * class derives from it): a pipeline that computes the product without building its input, such as
   * the fused text scorer (src/sklearn/pipeline/fused-text-linear.ts), answers through the copy.
   * `scores` gets the general product too, for inputs it leaves to it.
   */
  withScores(scores: (X: EstimatorInput, general: (Xt: EstimatorInput) => DenseMatrix) => DenseMatrix): this {
    const general = (Xt: EstimatorInput): DenseMatrix => this.scores(Xt);
    const copy = Object.create(this) as this;
    Object.defineProperty(copy, 'scores', { value: (X: EstimatorInput) => scores(X, general) });
    return copy;
  }

  /** The raw `X @ coef_.T + intercept_` as a 2-D matrix. */
  protected scores(X: EstimatorInput): DenseMatrix {
    return affine(numericInput(X, this.constructor.name), this.coef, this.nRows, this.intercept);
  }

  predict(X: EstimatorInput): Label[] {
    const scores = this.scores(X);
    if (scores.cols === 1) return Array.from(scores.data, (s) => this.classes[s > 0 ? 1 : 0]);
    return Array.from(argmaxRows(scores), (i) => this.classes[i]);
  }

  /**
   * `_predict_proba_lr`: the one-vs-rest logistic link, rows renormalised to sum to 1 (multiclass);
   * `[1 - p, p]` for two classes.
   */
  protected ovrProba(X: EstimatorInput): DenseMatrix {
    const scores = this.scores(X);
    if (scores.cols === 1) return binaryProba(scores.data, expit);
    for (let i = 0; i < scores.data.length; i++) scores.data[i] = expit(scores.data[i]);
    normaliseRows(scores);
    return scores;
  }
}

/** Divides each row by its sum (numpy `prob /= prob.sum(axis=1).reshape(-1, 1)`). */
export function normaliseRows(matrix: DenseMatrix): void {
  for (let r = 0; r < matrix.rows; r++) {
    const sum = pairwiseSum(matrix.data, r * matrix.cols, matrix.cols);
    for (let c = 0; c < matrix.cols; c++) matrix.data[r * matrix.cols + c] /= sum;
  }
}

/** `intercept_`: an array, a numpy float scalar, or the Python float 0.0 (fit_intercept=False). */
export function readIntercept(reader: StateReader): Float64Array | number {
  const value = reader.value('intercept_');
  if (typeof value === 'number') return value;
  return reader.float64('intercept_');
}
