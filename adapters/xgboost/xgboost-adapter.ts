import path from 'node:path';
import type { AdapterContext, AdapterDescription, ModelAdapter } from '../../src/adapter/model-adapter';
import type { MlRequest } from '../../src/contract/ml-request';
import { ManifestError, ScoringError } from '../../src/errors';
import { loadModelFile } from '../../src/pickle';
import type { Estimator } from '../../src/sklearn/base';
import { buildEstimator, runMethod } from '../../src/sklearn/build-estimator';
import { EstimatorInputError } from '../../src/sklearn/errors';
import { denseMatrix, type DenseMatrix } from '../../src/sklearn/matrix';
import { shortName } from '../../src/sklearn/state-reader';
import { isXGBoostModelFile, loadXGBoostModelFile } from '../../src/xgboost';
import { resolveSklearnOutput, type SklearnOutput } from '../sklearn/output-spec';

/**
 * Serves an XGBoost model without Python: XGBoost's own model files (`.json`, `.ubj` from
 * `Booster.save_model` / `XGBClassifier.save_model`), or a pickle/joblib file holding an
 * `XGBClassifier`/`XGBRegressor` (the same files the `sklearn` adapter serves). Input: the manifest
 * extractor's feature rows, in the training column order.
 *
 * `output` is `predict_proba[:,1]` (default for classification objectives), `predict` (default for
 * regression; `Booster.predict` for .json/.ubj), or `decision_function` (the raw margin,
 * `predict(output_margin=True)`). See docs/xgboost.md.
 */
export class XGBoostAdapter implements ModelAdapter<readonly number[] | Float64Array> {
  static readonly adapterName = 'xgboost';
  private estimator: Estimator | undefined;
  private output: SklearnOutput | undefined;
  private context!: AdapterContext;
  private file = '(no model loaded)';

  describe(): AdapterDescription {
    return {
      name: XGBoostAdapter.adapterName,
      inputKind: 'features',
      output: this.output === undefined ? 'an XGBoost model output' : `${this.output.text} of ${path.basename(this.file)}`,
    };
  }

  /**
   * Reads the model, resolves `output` and checks the extractor's width against the booster's
   * `num_feature`, so a mismatch stops startup.
   *
   * @throws ManifestError without a model file; XGBoostModelError, XGBoostUnsupportedError, pickle
   *   and estimator errors; SklearnOutputError, EstimatorMethodError, EstimatorInputError
   */
  load(context: AdapterContext): void {
    this.context = context;
    if (context.modelPath === undefined) {
      throw new ManifestError(`the xgboost adapter needs "model" in ${path.join(context.modelsDir, 'manifest.json')} (a .json, .ubj, .pkl or .joblib file).`);
    }
    this.file = context.modelPath;
    const estimator = isXGBoostModelFile(this.file) ? loadXGBoostModelFile(this.file) : buildEstimator(loadModelFile(this.file), { key: context.manifest.key });
    const classifies = typeof estimator.predictProba === 'function';
    this.output = resolveSklearnOutput(context.manifest.output ?? (classifies ? 'predict_proba[:,1]' : 'predict'), estimator);
    const width = context.extractor.featureNames.length;
    if (estimator.nFeaturesIn !== undefined && estimator.nFeaturesIn !== width && this.toInput === XGBoostAdapter.prototype.toInput) {
      throw new EstimatorInputError(
        `${this.file}: ${shortName(estimator.pythonClass)} was trained with ${estimator.nFeaturesIn} features (num_feature), ` +
          `but extractor "${context.extractor.name}" (manifest "extractor") gives ${width}. Name the extractor the model was trained with.`,
      );
    }
    this.estimator = estimator;
  }

  toInput(request: MlRequest): readonly number[] | Float64Array {
    return this.context.extractor.extract(request);
  }

  warmUp(): void {
    this.score([new Array<number>(this.estimator?.nFeaturesIn ?? this.context.extractor.featureNames.length).fill(0)]);
  }

  score(batch: readonly (readonly number[] | Float64Array)[]): Float64Array {
    const { estimator, output } = this;
    if (estimator === undefined || output === undefined) throw new ScoringError(`the xgboost adapter for ${this.file} is not loaded.`);
    if (batch.length === 0) return new Float64Array(0);
    const width = batch[0].length;
    const data = new Float64Array(batch.length * width);
    batch.forEach((row, r) => {
      if (row.length !== width) throw new ScoringError(`row ${r} of the batch is not a feature row of width ${width}.`);
      data.set(row, r * width);
    });
    const result = runMethod(estimator, output.method, denseMatrix(batch.length, width, data));
    if (result instanceof Float64Array) return result;
    if (Array.isArray(result)) return Float64Array.from(result, Number);
    const matrix = result as DenseMatrix;
    const column = output.column ?? (matrix.cols === 1 ? 0 : undefined);
    if (column === undefined || column >= matrix.cols) throw new ScoringError(`output ${output.text} has ${matrix.cols} columns; write "${output.method}[:,k]" to pick one.`);
    return Float64Array.from({ length: matrix.rows }, (_, r) => matrix.data[r * matrix.cols + column]);
  }

  dispose(): void {
    this.estimator = undefined;
  }
}
