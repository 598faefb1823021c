import type { PyValue } from '../../pickle/python-value';
import { EstimatorInputError, EstimatorStateError } from '../errors';
import type { EstimatorInput } from '../matrix';
import { StateReader } from '../state-reader';

/** The pickled `TreePredictor.__dict__` (1.2.1 `sklearn/ensemble/_hist_gradient_boosting/predictor.py`). */
export interface TreePredictorState {
  nodes: PyValue; // structured array of PREDICTOR_RECORD_DTYPE
  raw_left_cat_bitsets: PyValue; // uint32 (n_categorical_splits, 8)
}

/** Rows of float64 values; HistGradientBoosting does NOT cast to float32 and accepts NaN/inf. */
export interface Float64Rows {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
}

export function toFloat64Rows(X: EstimatorInput, estimator: string): Float64Rows {
  if (Array.isArray(X)) throw new EstimatorInputError(`${estimator} takes rows of numbers, not text.`);
  const matrix = X as Exclude<EstimatorInput, readonly string[]>;
  if (matrix.kind === 'dense') return matrix;
  const data = new Float64Array(matrix.rows * matrix.cols);
  for (let r = 0; r < matrix.rows; r++) {
    for (let k = matrix.indptr[r]; k < matrix.indptr[r + 1]; k++) data[r * matrix.cols + matrix.indices[k]] += matrix.data[k];
  }
  return { rows: matrix.rows, cols: matrix.cols, data };
}

/**
 * `<X_BINNED_DTYPE_C>data_val`: the C cast of a non-negative double to uint8 as compiled for
 * scikit-learn's Linux x86-64 wheels and Debian's build -- truncate to a 32-bit int, keep the low byte;
 * beyond the int32 range the conversion yields 0x80000000, whose low byte is 0. (Checked against
 * sklearn 1.2.1: 258 behaves as 2, 2**31 + 2 and 1e12 as 0; see the fixtures.)
 */
export function categoryByte(value: number): number {
  return value >= 2147483648 ? 0 : Math.trunc(value) & 255;
}

/**
 * Every `TreePredictor` of a fitted HistGradientBoosting model flattened into typed arrays, walked as
 * 1.2.1 `_predictor.pyx` `_predict_one_from_raw_data` does:
 * - NaN goes to the side `missing_go_to_left` names;
 * - categorical splits: a negative value is missing; a category in the node's left bitset goes left;
 *   a known category (from the bin mapper) not in it goes right; an unknown one is missing;
 * - numeric splits: `x <= num_threshold` (float64, no cast) goes left.
 */
export class HistPredictors {
  private constructor(
    readonly nTrees: number,
    private readonly roots: Int32Array,
    private readonly isLeaf: Uint8Array,
    private readonly value: Float64Array,
    private readonly feature: Int32Array,
    private readonly threshold: Float64Array,
    private readonly missingLeft: Uint8Array,
    private readonly left: Int32Array,
    private readonly right: Int32Array,
    private readonly isCategorical: Uint8Array,
    /** Absolute row into `leftBitsets` (8 uint32 words per row). */
    private readonly bitsetRow: Int32Array,
    private readonly leftBitsets: Uint32Array,
    /** Known categories, 8 words per feature (zeros for numeric features). */
    private readonly knownBitsets: Uint32Array,
  ) {}

  static read(reader: StateReader, owner: string, nFeatures: number): HistPredictors {
    const iterations = reader.list('_predictors');
    const predictors: PyValue[] = [];
    for (const iteration of iterations) {
      if (!Array.isArray(iteration)) throw reader.error('_predictors', 'expected a list of lists of TreePredictor');
      predictors.push(...(iteration as PyValue[]));
    }
    if (predictors.length === 0) throw reader.error('_predictors', 'is empty: the file holds an unfitted estimator');
    const parts = predictors.map((p, i) => readPredictor(p, `${owner}._predictors[${i}]`, nFeatures));
    const total = parts.reduce((n, p) => n + p.count, 0);
    const totalBitsets = parts.reduce((n, p) => n + p.bitsets.length, 0);
    const roots = new Int32Array(parts.length);
    const isLeaf = new Uint8Array(total);
    const value = new Float64Array(total);
    const feature = new Int32Array(total);
    const threshold = new Float64Array(total);
    const missingLeft = new Uint8Array(total);
    const left = new Int32Array(total);
    const right = new Int32Array(total);
    const isCategorical = new Uint8Array(total);
    const bitsetRow = new Int32Array(total);
    const leftBitsets = new Uint32Array(totalBitsets);
    let base = 0;
    let bitsetBase = 0;
    parts.forEach((part, t) => {
      roots[t] = base;
      for (let i = 0; i < part.count; i++) {
        isLeaf[base + i] = part.isLeaf[i];
        value[base + i] = part.value[i];
        feature[base + i] = part.feature[i];
        threshold[base + i] = part.threshold[i];
        missingLeft[base + i] = part.missingLeft[i];
        left[base + i] = base + part.left[i];
        right[base + i] = base + part.right[i];
        isCategorical[base + i] = part.isCategorical[i];
        bitsetRow[base + i] = bitsetBase / 8 + part.bitsetIdx[i];
      }
      leftBitsets.set(part.bitsets, bitsetBase);
      base += part.count;
      bitsetBase += part.bitsets.length;
    });
    const knownBitsets = readKnownCategories(reader, nFeatures);
    return new HistPredictors(parts.length, roots, isLeaf, value, feature, threshold, missingLeft, left, right, isCategorical, bitsetRow, leftBitsets, knownBitsets);
  }

  /** `raw[r, t % K] += predictor_t(x_r)` for every predictor in (iteration, class) order. */
  addTo(raw: Float64Array, X: Float64Rows, K: number): void {
    for (let r = 0; r < X.rows; r++) {
      for (let t = 0; t < this.nTrees; t++) raw[r * K + (t % K)] += this.predictOne(t, X.data, r * X.cols);
    }
  }

  private predictOne(t: number, x: Float64Array, offset: number): number {
    let node = this.roots[t];
    while (this.isLeaf[node] === 0) {
      const v = x[offset + this.feature[node]];
      let goLeft: boolean;
      if (Number.isNaN(v)) {
        goLeft = this.missingLeft[node] === 1;
      } else if (this.isCategorical[node] === 1) {
        if (v < 0) {
          goLeft = this.missingLeft[node] === 1;
        } else {
          const byte = categoryByte(v);
          const word = byte >>> 5;
          const bit = byte & 31;
          if ((this.leftBitsets[this.bitsetRow[node] * 8 + word] >>> bit) & 1) goLeft = true;
          else if ((this.knownBitsets[this.feature[node] * 8 + word] >>> bit) & 1) goLeft = false;
          else goLeft = this.missingLeft[node] === 1;
        }
      } else {
        goLeft = v <= this.threshold[node];
      }
      node = goLeft ? this.left[node] : this.right[node];
    }
    return this.value[node];
  }
}

interface PredictorPart {
  count: number;
  isLeaf: Float64Array;
  value: Float64Array;
  feature: Float64Array;
  threshold: Float64Array;
  missingLeft: Float64Array;
  left: Float64Array;
  right: Float64Array;
  isCategorical: Float64Array;
  bitsetIdx: Float64Array;
  bitsets: Uint32Array;
}

function readPredictor(value: PyValue, what: string, nFeatures: number): PredictorPart {
  const reader = StateReader.of(value, what);
  const nodes = reader.array('nodes');
  const count = nodes.shape[0];
  if (nodes.shape.length !== 1 || !(count >= 1)) throw new EstimatorStateError(`${what}.nodes: expected a 1-D array of nodes`);
  const f = (name: string) => nodes.field(name).toFloat64();
  const part: PredictorPart = {
    count,
    isLeaf: f('is_leaf'),
    value: f('value'),
    feature: f('feature_idx'),
    threshold: f('num_threshold'),
    missingLeft: f('missing_go_to_left'),
    left: f('left'),
    right: f('right'),
    isCategorical: f('is_categorical'),
    bitsetIdx: f('bitset_idx'),
    bitsets: Uint32Array.from(reader.has('raw_left_cat_bitsets') ? reader.float64('raw_left_cat_bitsets') : []),
  };
  const nBitsetRows = part.bitsets.length / 8;
  for (let i = 0; i < count; i++) {
    if (part.isLeaf[i] !== 0) continue;
    const ok =
      part.left[i] > i && part.left[i] < count && part.right[i] > i && part.right[i] < count &&
      part.feature[i] >= 0 && part.feature[i] < nFeatures && (part.isCategorical[i] === 0 || part.bitsetIdx[i] < nBitsetRows);
    if (!ok) throw new EstimatorStateError(`${what}.nodes[${i}]: children, feature or bitset index out of range`);
  }
  return part;
}

/** `_bin_mapper.make_known_categories_bitsets()`: a bitset of the training categories per categorical feature. */
function readKnownCategories(reader: StateReader, nFeatures: number): Uint32Array {
  const known = new Uint32Array(nFeatures * 8);
  const binMapper = StateReader.of(reader.value('_bin_mapper'), `${reader.pythonClass}._bin_mapper`);
  if (!binMapper.has('is_categorical_') || binMapper.value('is_categorical_') === null) return known;
  const isCategorical = binMapper.float64('is_categorical_');
  const thresholds = binMapper.list('bin_thresholds_');
  for (let f = 0; f < Math.min(nFeatures, isCategorical.length); f++) {
    if (isCategorical[f] === 0) continue;
    const categories = new StateReader(new Map([['bin_thresholds_', thresholds[f] ?? null]]), reader.pythonClass).float64('bin_thresholds_');
    for (const category of categories) {
      const byte = categoryByte(category);
      known[f * 8 + (byte >>> 5)] |= 1 << (byte & 31);
    }
  }
  return known;
}
