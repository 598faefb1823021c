import path from 'node:path';
import type { AdapterContext, AdapterDescription, InputKind, ModelAdapter } from '../../src/adapter/model-adapter';
import { requestText, type MlRequest } from '../../src/contract/ml-request';
import { ItemScoreCache } from '../../src/adapter/item-score-cache';
import { RowScoreCache } from '../../src/adapter/row-score-cache';
import { ManifestError, ScoringError } from '../../src/errors';
import { loadModelFile } from '../../src/pickle';
import type { Estimator } from '../../src/sklearn/base';
import { buildEstimator, runMethod, sklearnVersionOf, takesText, VERIFIED_SKLEARN_VERSIONS, type MethodOutput } from '../../src/sklearn/build-estimator';
import { EstimatorInputError } from '../../src/sklearn/errors';
import { versionStatus } from '../../src/sklearn/model-report';
import { denseMatrix, type EstimatorInput } from '../../src/sklearn/matrix';
import { shortName } from '../../src/sklearn/state-reader';
import { resolveSklearnOutput, type SklearnOutput } from './output-spec';
import { parseSklearnOptions } from './sklearn-options';
import type { TextView } from '../../src/features/text-views';

/**
 * One request's input: a feature vector, a text for pipelines that start with a text vectorizer, or
 * (with `options.items`) the request's items, each scored as a text.
 */
export type SklearnInput = readonly number[] | Float64Array | string | readonly string[];

/**
 * Serves a scikit-learn model saved with `pickle` or `joblib` (`.pkl`, `.joblib`, compressed or
 * not), evaluated in TypeScript -- no Python at serving time. The manifest names the file (`model`),
 * where it sits in a dict/tuple (`key`), and which output is the score (`output`:
 * `decision_function`, `score_samples`, `predict`, `predict_proba[:,1]`, `predict_proba[:,'attack']`).
 *
 * Input: the manifest extractor's feature rows, or -- when the model is a Pipeline starting with a
 * text vectorizer -- the request's argument values joined by newlines, or with
 * `"options": {"items": "payload-v1"}` each item of that text view scored alone, the request taking the
 * most anomalous item's score (the highest with `anomalyWhen: above`, the lowest with `below`).
 * See docs/sklearn.md and docs/features.md.
 */
export class SklearnAdapter implements ModelAdapter<SklearnInput> {
  static readonly adapterName = 'sklearn';
  private estimator: Estimator | undefined;
  private output: SklearnOutput | undefined;
  private inputKind: InputKind = 'features';
  private context!: AdapterContext;
  private file = '(no model loaded)';
  private items: TextView | undefined;
  /** Item -> score, for texts seen again (header values, cookies): src/adapter/item-score-cache.ts. */
  private itemScores = new ItemScoreCache();
  /** Feature row -> score, for rows seen again (src/adapter/row-score-cache.ts); made on the first row. */
  private rowScores: RowScoreCache | undefined;

  describe(): AdapterDescription {
    const name = this.estimator === undefined ? 'a scikit-learn model' : shortName(this.estimator.pythonClass);
    return {
      name: SklearnAdapter.adapterName,
      inputKind: this.inputKind,
      output: this.output === undefined ? 'a scikit-learn model output' : `${name}.${this.output.text} of ${path.basename(this.file)}`,
    };
  }

  /**
   * Unpickles the file (through the pickle allowlist), builds the estimator, checks the output and
   * the extractor's width against `n_features_in_`, so a mismatch stops startup.
   *
   * @throws ManifestError without a model file; pickle errors for unsafe or broken files;
   *   UnsupportedEstimatorError, ModelKeyError, SklearnOutputError, EstimatorMethodError, EstimatorInputError
   */
  load(context: AdapterContext): void {
    this.context = context;
    if (context.modelPath === undefined) {
      throw new ManifestError(`the sklearn adapter needs "model" in ${path.join(context.modelsDir, 'manifest.json')} (a .pkl or .joblib file).`);
    }
    this.file = context.modelPath;
    this.items = parseSklearnOptions(context.manifest.options, path.join(context.modelsDir, 'manifest.json')).items;
    const value = loadModelFile(this.file);
    const estimator = buildEstimator(value, { key: context.manifest.key });
    const { version, verified } = sklearnVersionOf(value, context.manifest.key);
    // A bare XGBoost wrapper carries no _sklearn_version; its own version checks live in src/xgboost.
    const xgboostOnly = version === undefined && estimator.pythonClass.startsWith('xgboost.');
    if (!verified && !xgboostOnly) {
      context.logger.warn(
        `${path.basename(this.file)} was saved with scikit-learn ${version ?? '(unknown version)'}${version === undefined ? '' : `, ${versionStatus(version).status}`}; ` +
          `the sklearn adapter is verified against ${VERIFIED_SKLEARN_VERSIONS.map((v) => `${v}.x`).join(', ')}. ` +
          'Compare a few rows with Python (crs-ml-server eval) before relying on it.',
      );
    }
    this.output = resolveSklearnOutput(context.manifest.output, estimator);
    this.inputKind = takesText(estimator) ? 'text' : 'features';
    if (this.items !== undefined && this.inputKind !== 'text') {
      throw new ManifestError(
        `${path.join(context.modelsDir, 'manifest.json')}: options.items "${this.items.name}" needs a model that reads text (a Pipeline starting with a text vectorizer); ` +
          `${path.basename(this.file)} reads feature rows. Remove options.items or name the text model.`,
      );
    }
    if (this.inputKind === 'features' && estimator.nFeaturesIn !== undefined && this.toInput === SklearnAdapter.prototype.toInput) {
      const extractor = context.extractor;
      if (extractor.featureNames.length !== estimator.nFeaturesIn) {
        throw new EstimatorInputError(
          `${this.file}: ${shortName(estimator.pythonClass)} was fitted with ${estimator.nFeaturesIn} features (n_features_in_), ` +
            `but extractor "${extractor.name}" (manifest "extractor") gives ${extractor.featureNames.length}. Name the extractor the model was trained with.`,
        );
      }
    }
    this.estimator = estimator;
  }

  toInput(request: MlRequest): SklearnInput {
    if (this.items !== undefined) return this.items.items(request);
    if (this.inputKind === 'text') return requestText(request);
    return this.context.extractor.extract(request);
  }

  warmUp(): void {
    const width = this.estimator?.nFeaturesIn ?? this.context.extractor.featureNames.length;
    this.score([this.inputKind === 'text' ? '' : new Array<number>(width).fill(0)]);
  }

  score(batch: readonly SklearnInput[]): Float64Array {
    const { estimator, output } = this;
    if (estimator === undefined || output === undefined) throw new ScoringError(`the sklearn adapter for ${this.file} is not loaded.`);
    if (batch.length === 0) return new Float64Array(0);
    if (this.items !== undefined) return this.scoreItems(batch, estimator, output);
    const scoreRows = (rows: readonly SklearnInput[]) => pickScores(runMethod(estimator, output.method, toEstimatorInput(rows, this.inputKind)), output, rows.length);
    if (this.inputKind === 'text' || estimator.nFeaturesIn === undefined) return scoreRows(batch);
    this.rowScores ??= new RowScoreCache(estimator.nFeaturesIn);
    return this.rowScores.scores(batch, scoreRows);
  }

  /**
   * Scores every item of every request in one call (items scored before come from the cache); each
   * request keeps its most anomalous item's score.
   */
  private scoreItems(batch: readonly SklearnInput[], estimator: Estimator, output: SklearnOutput): Float64Array {
    const texts: string[] = [];
    const ends: number[] = [];
    for (const input of batch) {
      // A request without items is scored as the empty text, as a model reading text would see it.
      const items = typeof input === 'string' ? [input] : Array.isArray(input) && input.length > 0 ? (input as readonly unknown[]) : [''];
      for (const item of items) texts.push(typeof item === 'string' ? item : String(item));
      ends.push(texts.length);
    }
    const scores = this.itemScores.scores(texts, (missing) => pickScores(runMethod(estimator, output.method, missing), output, missing.length));
    const worst = this.context.manifest.anomalyWhen === 'below' ? Math.min : Math.max;
    const out = new Float64Array(batch.length);
    let start = 0;
    ends.forEach((end, r) => {
      let value = scores[start];
      for (let i = start + 1; i < end; i++) value = worst(value, scores[i]);
      out[r] = value;
      start = end;
    });
    return out;
  }

  dispose(): void {
    this.estimator = undefined;
  }
}

function toEstimatorInput(batch: readonly SklearnInput[], kind: InputKind): EstimatorInput {
  if (kind === 'text') return batch.map((item) => (typeof item === 'string' ? item : String(item)));
  const width = (batch[0] as ArrayLike<number>).length;
  const data = new Float64Array(batch.length * width);
  batch.forEach((row, r) => {
    if (typeof row === 'string' || row.length !== width || typeof row[0] === 'string') {
      throw new ScoringError(`row ${r} of the batch is not a feature row of width ${width}.`);
    }
    data.set(row as ArrayLike<number>, r * width);
  });
  return denseMatrix(batch.length, width, data);
}

/** The score column of a method's output as float64 (`predict` labels must be numbers). */
function pickScores(result: MethodOutput, output: SklearnOutput, rows: number): Float64Array {
  if (result instanceof Float64Array) return result;
  if (Array.isArray(result)) {
    return Float64Array.from(result, (label) => {
      if (typeof label === 'number') return label;
      if (typeof label === 'boolean') return label ? 1 : 0;
      throw new ScoringError(`output ${output.text} returned the label ${JSON.stringify(String(label))}, not a number.`);
    });
  }
  if (result.kind !== 'dense') throw new ScoringError(`output ${output.text} is a sparse matrix, not a score.`);
  const column = output.column ?? (result.cols === 1 ? 0 : undefined);
  if (column === undefined || column >= result.cols) {
    throw new ScoringError(`output ${output.text} has ${result.cols} columns; write "${output.method}[:,k]" to pick one.`);
  }
  const scores = new Float64Array(rows);
  for (let r = 0; r < rows; r++) scores[r] = result.data[r * result.cols + column];
  return scores;
}
