import path from 'node:path';
import { ItemScoreCache } from '../../src/adapter/item-score-cache';
import type { AdapterContext, AdapterDescription, ModelAdapter } from '../../src/adapter/model-adapter';
import type { MlRequest } from '../../src/contract/ml-request';
import { ManifestError, ScoringError } from '../../src/errors';
import { CRS_V1_FEATURE_NAMES, extractCrsV1 } from '../../src/features/crs-v1';
import { TEXT_VIEWS, type TextView } from '../../src/features/text-views';
import { loadModelFile } from '../../src/pickle';
import type { Estimator } from '../../src/sklearn/base';
import { buildEstimator, runMethod } from '../../src/sklearn/build-estimator';
import { EstimatorInputError } from '../../src/sklearn/errors';
import { denseMatrix } from '../../src/sklearn/matrix';
import { shortName } from '../../src/sklearn/state-reader';

/** One request: its payload items and its crs-v1 features. */
export interface CrsStackInput {
  readonly items: readonly string[];
  readonly crs: readonly number[];
}

/**
 * A payload text model stacked with CRS's own scores, for plugin mode 1 (the model judges requests
 * CRS already flagged, and may let false positives pass). The model file is a joblib/pickle dict
 * written by training/train_mode1.py:
 *
 * | key        | holds                                                                          |
 * |------------|--------------------------------------------------------------------------------|
 * | `payload`  | a text Pipeline (TF-IDF + linear model) scored on each `payload-v1` item       |
 * | `combiner` | a binary classifier over [highest item decision_function, crs-v1 features (12)] |
 *
 * The score is the combiner's `predict_proba[:,1]`; anomaly when above the manifest's threshold.
 * Both estimators go through the same pickle allowlist and sklearn bridge as `"adapter": "sklearn"`.
 * Requests without CRS scores (contract v1, or mode 2) get zeros: use `sklearn` + payload-v1 there.
 */
export class CrsStackAdapter implements ModelAdapter<CrsStackInput> {
  static readonly adapterName = 'crs-stack';
  private payload: Estimator | undefined;
  private combiner: Estimator | undefined;
  private view: TextView = TEXT_VIEWS.get('payload-v1')!;
  private file = '(no model loaded)';
  /** Item -> payload evidence, for texts seen again (header values, cookies): src/adapter/item-score-cache.ts. */
  private itemScores = new ItemScoreCache();

  describe(): AdapterDescription {
    return { name: CrsStackAdapter.adapterName, inputKind: 'request', output: `combiner.predict_proba[:,1] of ${path.basename(this.file)}` };
  }

  /**
   * @throws ManifestError without a model file or with an output other than predict_proba[:,1];
   *   pickle errors; UnsupportedEstimatorError, ModelKeyError; EstimatorInputError when the combiner's width is not 1 + 12
   */
  load(context: AdapterContext): void {
    const manifestFile = path.join(context.modelsDir, 'manifest.json');
    if (context.modelPath === undefined) throw new ManifestError(`the crs-stack adapter needs "model" in ${manifestFile} (a dict with "payload" and "combiner").`);
    if (context.manifest.output !== undefined && context.manifest.output !== 'predict_proba[:,1]') {
      throw new ManifestError(`${manifestFile}: the crs-stack adapter's score is the combiner's predict_proba[:,1]; remove "output" or set it to that.`);
    }
    this.file = context.modelPath;
    const value = loadModelFile(this.file);
    this.payload = buildEstimator(value, { key: 'payload' });
    this.combiner = buildEstimator(value, { key: 'combiner' });
    const width = 1 + CRS_V1_FEATURE_NAMES.length;
    if (this.combiner.nFeaturesIn !== undefined && this.combiner.nFeaturesIn !== width) {
      throw new EstimatorInputError(
        `${this.file}: the combiner (${shortName(this.combiner.pythonClass)}) was fitted with ${this.combiner.nFeaturesIn} features; ` +
          `crs-stack gives ${width} (payload evidence + crs-v1). Retrain it with training/train_mode1.py.`,
      );
    }
  }

  toInput(request: MlRequest): CrsStackInput {
    return { items: this.view.items(request), crs: extractCrsV1(request) };
  }

  warmUp(): void {
    this.score([{ items: [''], crs: new Array<number>(CRS_V1_FEATURE_NAMES.length).fill(0) }]);
  }

  score(batch: readonly CrsStackInput[]): Float64Array {
    const { payload, combiner } = this;
    if (payload === undefined || combiner === undefined) throw new ScoringError(`the crs-stack adapter for ${this.file} is not loaded.`);
    if (batch.length === 0) return new Float64Array(0);
    const texts: string[] = [];
    const ends: number[] = [];
    for (const input of batch) {
      texts.push(...(input.items.length > 0 ? input.items : ['']));
      ends.push(texts.length);
    }
    const evidence = this.itemScores.scores(texts, (missing) => {
      const scores = runMethod(payload, 'decision_function', missing);
      if (!(scores instanceof Float64Array)) throw new ScoringError(`the payload model's decision_function is not one score per text.`);
      return scores;
    });
    const width = 1 + CRS_V1_FEATURE_NAMES.length;
    const rows = denseMatrix(batch.length, width);
    let start = 0;
    ends.forEach((end, r) => {
      let best = evidence[start];
      for (let i = start + 1; i < end; i++) best = Math.max(best, evidence[i]);
      rows.data[r * width] = best;
      rows.data.set(batch[r].crs, r * width + 1);
      start = end;
    });
    const proba = runMethod(combiner, 'predict_proba', rows);
    if (proba instanceof Float64Array || Array.isArray(proba) || proba.kind !== 'dense' || proba.cols !== 2) {
      throw new ScoringError(`the combiner's predict_proba is not a two-column matrix.`);
    }
    return Float64Array.from({ length: batch.length }, (_, r) => proba.data[2 * r + 1]);
  }

  dispose(): void {
    this.payload = undefined;
    this.combiner = undefined;
  }
}
