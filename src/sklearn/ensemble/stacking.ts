import type { PyValue } from '../../pickle/python-value';
import type { BuildContext, Estimator, Label } from '../base';
import { EstimatorMethodError, EstimatorStateError, UnsupportedEstimatorError } from '../errors';
import { denseMatrix, type DenseMatrix, type EstimatorInput } from '../matrix';
import { StateReader } from '../state-reader';

/** The pickled `__dict__` attributes read here (scikit-learn 1.2.1 names). */
export interface StackingState {
  estimators_: PyValue[];
  stack_method_: PyValue[];
  final_estimator_: PyValue;
  passthrough: boolean;
  classes_?: PyValue;
}

interface Layer {
  readonly members: readonly Estimator[];
  readonly methods: readonly string[];
  readonly passthrough: boolean;
  readonly final: Estimator;
}

type Output = Float64Array | Label[] | DenseMatrix | import('../matrix').SparseMatrix;
const METHODS = new Map<string, keyof Estimator>([
  ['predict', 'predict'],
  ['predict_proba', 'predictProba'],
  ['decision_function', 'decisionFunction'],
]);

/** Calls a member's method by its sklearn name (not through build-estimator: no import cycle). */
function call(estimator: Estimator, method: string, X: EstimatorInput): Output {
  const property = METHODS.get(method);
  const fn = property === undefined ? undefined : (estimator[property] as ((x: EstimatorInput) => Output) | undefined);
  if (fn === undefined) throw new EstimatorMethodError(`stacking: ${estimator.pythonClass} has no ${method}`);
  return fn.call(estimator, X);
}

function readLayer(reader: StateReader, context: BuildContext): Layer {
  const members = reader.list('estimators_').map((value) => context.build(value));
  const methods = reader.list('stack_method_').map(String);
  if (members.length === 0 || methods.length !== members.length) {
    throw reader.error('stack_method_', `has ${methods.length} methods for ${members.length} estimators_`);
  }
  const passthrough = reader.has('passthrough') && reader.value('passthrough') === true;
  return { members, methods, passthrough, final: context.build(reader.value('final_estimator_')) };
}

/**
 * `_transform` of 1.2.1 `sklearn/ensemble/_stacking.py`: each member's `stack_method_` output as
 * columns (1-D outputs as one column; for binary classification `predict_proba` drops its first
 * column), then X itself when `passthrough`.
 */
function stack(layer: Layer, X: EstimatorInput, binary: boolean): DenseMatrix {
  const blocks: DenseMatrix[] = layer.members.map((member, i) => {
    const out = call(member, layer.methods[i], X);
    if (out instanceof Float64Array || Array.isArray(out)) return denseMatrix(out.length, 1, Float64Array.from(out as ArrayLike<number>, Number));
    if (out.kind !== 'dense') throw new EstimatorStateError(`StackingClassifier member ${member.pythonClass} gave a sparse ${layer.methods[i]}`);
    if (layer.methods[i] === 'predict_proba' && binary) {
      const kept = denseMatrix(out.rows, out.cols - 1);
      for (let r = 0; r < out.rows; r++) kept.data.set(out.data.subarray(r * out.cols + 1, (r + 1) * out.cols), r * kept.cols);
      return kept;
    }
    return out;
  });
  if (layer.passthrough) {
    if (Array.isArray(X)) throw new UnsupportedEstimatorError('sklearn.ensemble.StackingClassifier', undefined, 'passthrough of text input');
    const matrix = X as DenseMatrix;
    if (matrix.kind !== 'dense') throw new UnsupportedEstimatorError('sklearn.ensemble.StackingClassifier', undefined, 'passthrough of sparse input');
    blocks.push(matrix);
  }
  const rows = blocks[0].rows;
  const cols = blocks.reduce((n, b) => n + b.cols, 0);
  const out = denseMatrix(rows, cols);
  for (let r = 0; r < rows; r++) {
    let at = r * cols;
    for (const block of blocks) {
      out.data.set(block.data.subarray(r * block.cols, (r + 1) * block.cols), at);
      at += block.cols;
    }
  }
  return out;
}

/**
 * `StackingClassifier`: the final estimator on the stacked member outputs; `predict` maps the final
 * estimator's encoded classes back to `classes_`; `predict_proba`/`decision_function` are the final
 * estimator's.
 */
export class StackingClassifier implements Estimator {
  static readonly pythonNames = ['sklearn.ensemble._stacking.StackingClassifier'];

  get readsText(): boolean {
    return this.layer.members.some((m) => m.readsText === true);
  }

  private constructor(
    readonly pythonClass: string,
    readonly nFeaturesIn: number | undefined,
    readonly classes: readonly Label[],
    private readonly layer: Layer,
  ) {
    if (layer.final.predictProba === undefined) this.predictProba = undefined;
    if (layer.final.decisionFunction === undefined) this.decisionFunction = undefined;
  }

  static fromState(state: Map<string, PyValue>, pythonClass: string, context: BuildContext): StackingClassifier {
    const reader = new StateReader(state, pythonClass);
    return new StackingClassifier(pythonClass, reader.optionalNumber('n_features_in_'), reader.labels('classes_'), readLayer(reader, context));
  }

  transform(X: EstimatorInput): DenseMatrix {
    return stack(this.layer, X, this.classes.length === 2);
  }

  predict(X: EstimatorInput): Label[] {
    const encoded = call(this.layer.final, 'predict', this.transform(X));
    if (!(encoded instanceof Float64Array) && !Array.isArray(encoded)) throw new EstimatorMethodError('StackingClassifier: the final estimator predicts a matrix');
    return Array.from(encoded as ArrayLike<Label>, (k) => this.classes[Number(k)]);
  }

  predictProba?: (X: EstimatorInput) => DenseMatrix = (X) => call(this.layer.final, 'predict_proba', this.transform(X)) as DenseMatrix;

  decisionFunction?: (X: EstimatorInput) => Float64Array | DenseMatrix = (X) =>
    call(this.layer.final, 'decision_function', this.transform(X)) as Float64Array | DenseMatrix;
}

/** `StackingRegressor`: the final estimator's `predict` on the stacked member predictions. */
export class StackingRegressor implements Estimator {
  static readonly pythonNames = ['sklearn.ensemble._stacking.StackingRegressor'];

  get readsText(): boolean {
    return this.layer.members.some((m) => m.readsText === true);
  }

  private constructor(
    readonly pythonClass: string,
    readonly nFeaturesIn: number | undefined,
    private readonly layer: Layer,
  ) {}

  static fromState(state: Map<string, PyValue>, pythonClass: string, context: BuildContext): StackingRegressor {
    const reader = new StateReader(state, pythonClass);
    return new StackingRegressor(pythonClass, reader.optionalNumber('n_features_in_'), readLayer(reader, context));
  }

  transform(X: EstimatorInput): DenseMatrix {
    return stack(this.layer, X, false);
  }

  predict(X: EstimatorInput): Float64Array {
    return call(this.layer.final, 'predict', this.transform(X)) as Float64Array;
  }
}
