import { XGBoostUnsupportedError } from './errors';
import { Fields } from './model-fields';
import { OBJECTIVES, type Objective } from './objectives';
import { TreeEnsemble } from './tree-ensemble';
import { decodeModelBytes } from './model-bytes';
import type { ModelValue } from './ubjson';

/** What `inspect` shows about a booster. */
export interface BoosterSummary {
  readonly booster: 'gbtree';
  readonly objective: string;
  readonly trees: number;
  readonly features: number;
  /** `num_class` (0 for binary and regression objectives). */
  readonly classes: number;
  /** `base_score` as stored (probability space for the logistic objectives), one per output group or one for all. */
  readonly baseScore: readonly number[];
  /** The base margin every row starts from, per output group. */
  readonly baseMargin: readonly number[];
  readonly numParallelTree: number;
  /** The XGBoost version recorded in the file (`version`), e.g. "1.7.4". */
  readonly xgboostVersion: string | undefined;
  readonly featureNames: readonly string[];
  /** `best_iteration` attribute (early stopping; the scikit-learn wrapper predicts up to it). */
  readonly bestIteration: number | undefined;
}

/**
 * A native XGBoost `gbtree` booster read from XGBoost's own model document -- `Booster.save_model`
 * JSON or UBJSON, or the memory snapshot (`{"Config": ..., "Model": ...}`) a pickled Booster keeps
 * in its `handle` bytes -- and evaluated without Python (see docs/xgboost.md).
 * Layout: XGBoost `doc/model.schema` (1.7 and 3.x); the snapshot: `Learner::Save` in `src/learner.cc`.
 */
export class Booster {
  private constructor(
    readonly objective: Objective,
    readonly numFeature: number,
    /** Output groups: `num_class` for multi-class objectives, else 1. */
    readonly groups: number,
    readonly ensemble: TreeEnsemble,
    private readonly baseMargin: Float32Array,
    private readonly iterationEnds: Int32Array,
    readonly summary: BoosterSummary,
  ) {}

  /**
   * Reads XGBoost model bytes: JSON text, UBJSON, or a pickled Booster's snapshot in either form.
   *
   * @throws XGBoostUnsupportedError for the pre-1.0 binary formats, other boosters, objectives or leaf kinds
   * @throws XGBoostModelError for malformed documents
   */
  static fromBytes(bytes: Uint8Array, source: string): Booster {
    return Booster.fromDocument(decodeModelBytes(bytes, source), source);
  }

  /** Builds from a decoded document (`{learner, version}` or a `{Config, Model}` snapshot). */
  static fromDocument(document: ModelValue, source: string): Booster {
    let root = Fields.root(document, source);
    if (root.has('Model')) root = root.child('Model');
    const learner = root.child('learner');
    const version = root.has('version') ? Array.from(root.numbers('version')).join('.') : undefined;
    const objectiveName = learner.child('objective').string('name');
    const objective = OBJECTIVES.get(objectiveName);
    if (objective === undefined) {
      throw new XGBoostUnsupportedError(
        `${source}: objective "${objectiveName}" is not supported; supported: ${[...OBJECTIVES.keys()].join(', ')}. ` +
          'Retrain with one of them, or serve the model through ONNX or your own adapter.',
      );
    }
    const params = learner.child('learner_model_param');
    const numFeature = params.count('num_feature');
    const numClass = params.has('num_class') ? params.count('num_class') : 0;
    const numTarget = params.has('num_target') ? params.count('num_target') : 1;
    if (numTarget > 1) throw new XGBoostUnsupportedError(`${source}: the model has ${numTarget} targets (multi-output regression), which is not supported; train one model per target.`);
    if (objective.kind === 'multiclass' && numClass < 2) throw params.error('num_class', `is ${numClass} for objective ${objectiveName}`);
    if (objective.kind !== 'multiclass' && numClass > 1) throw params.error('num_class', `is ${numClass} for the single-output objective ${objectiveName}`);
    const groups = objective.kind === 'multiclass' ? numClass : 1;

    const gradientBooster = learner.child('gradient_booster');
    const boosterName = gradientBooster.string('name');
    if (boosterName !== 'gbtree') {
      throw new XGBoostUnsupportedError(
        `${source}: booster "${boosterName}" is not supported, only "gbtree" (the default); retrain with booster="gbtree".`,
      );
    }
    const model = gradientBooster.child('model');
    const ensemble = TreeEnsemble.read(model, numFeature, groups);
    const numParallelTree = model.child('gbtree_model_param').has('num_parallel_tree') ? Math.max(1, model.child('gbtree_model_param').count('num_parallel_tree')) : 1;

    const baseScore = parseBaseScore(params, groups);
    const baseMargin = Float32Array.from({ length: groups }, (_, g) => objective.probToMargin(baseScore[baseScore.length === 1 ? 0 : g]));
    const attributes = learner.has('attributes') ? learner.child('attributes') : undefined;
    const best = attributes?.has('best_iteration') ? attributes.count('best_iteration') : undefined;
    return new Booster(objective, numFeature, groups, ensemble, baseMargin, iterationEnds(model, ensemble.nTrees, numParallelTree * groups), {
      booster: 'gbtree',
      objective: objectiveName,
      trees: ensemble.nTrees,
      features: numFeature,
      classes: numClass,
      baseScore,
      baseMargin: Array.from(baseMargin),
      numParallelTree,
      xgboostVersion: version,
      featureNames: learner.strings('feature_names'),
      bestIteration: best,
    });
  }

  /** Number of boosting rounds (iterations). */
  get iterations(): number {
    return this.iterationEnds.length;
  }

  /** Trees used when predicting with `iteration_range=(0, n)`; all trees for n = 0 or beyond the end. */
  treeEnd(iterations: number): number {
    if (iterations <= 0 || iterations >= this.iterationEnds.length) return this.ensemble.nTrees;
    return this.iterationEnds[iterations - 1];
  }

  /**
   * Raw margins, `rows x groups` float32 (`predict(output_margin=True)`). `x` is row-major float32
   * with NaN for missing values; `iterations` as in `iteration_range=(0, iterations)`.
   */
  margin(x: Float32Array, rows: number, iterations = 0): Float32Array {
    const out = new Float32Array(rows * this.groups);
    for (let r = 0; r < rows; r++) out.set(this.baseMargin, r * this.groups);
    this.ensemble.accumulate(x, rows, this.numFeature, this.treeEnd(iterations), out, this.groups);
    return out;
  }

  /** `Booster.predict`: the objective's transform of the margins (`rows x outputsPerRow`). */
  predict(x: Float32Array, rows: number, iterations = 0): Float32Array {
    const margin = this.margin(x, rows, iterations);
    const width = this.objective.outputsPerRow(this.groups);
    const out = new Float32Array(rows * width);
    for (let r = 0; r < rows; r++) this.objective.transform(margin, r * this.groups, this.groups, out, r * width);
    return out;
  }
}

/**
 * `learner_model_param.base_score`: `"5E-1"` (1.x, 2.x) or a vector `"[6.9666666E-1]"`,
 * one entry per class for multi-class models (3.x).
 */
function parseBaseScore(params: Fields, groups: number): number[] {
  const raw = params.raw('base_score');
  const text = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw.trim() : '';
  const parts = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1).split(',') : [text];
  const values = parts.map((part) => (part.trim() === '' ? NaN : Math.fround(Number(part))));
  if (values.some((v) => !Number.isFinite(v)) || (values.length !== 1 && values.length !== groups)) {
    throw params.error('base_score', `is ${JSON.stringify(raw)}, expected a number or ${groups} numbers in brackets`);
  }
  return values;
}

/** Tree count after each boosting round: `iteration_indptr` (2.0+) or rounds of `layer` trees. */
function iterationEnds(model: Fields, nTrees: number, layer: number): Int32Array {
  if (model.has('iteration_indptr')) {
    const indptr = model.numbers('iteration_indptr');
    const ends = Int32Array.from(Array.from(indptr).slice(1));
    let previous = 0;
    for (const end of ends) {
      if (!Number.isInteger(end) || end < previous || end > nTrees) throw model.error('iteration_indptr', `is not an increasing list of tree counts up to ${nTrees}`);
      previous = end;
    }
    if (ends.length > 0 && ends[ends.length - 1] !== nTrees) throw model.error('iteration_indptr', `ends at ${ends[ends.length - 1]}, but there are ${nTrees} trees`);
    return ends;
  }
  const rounds = Math.ceil(nTrees / layer);
  return Int32Array.from({ length: rounds }, (_, i) => Math.min(nTrees, (i + 1) * layer));
}
