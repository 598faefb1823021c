import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SklearnAdapter } from '../../../adapters/sklearn/sklearn-adapter';
import { XGBoostAdapter } from '../../../adapters/xgboost/xgboost-adapter';
import { validateManifest } from '../../../src/adapter/manifest';
import type { AdapterContext, ModelAdapter } from '../../../src/adapter/model-adapter';
import type { MlRequest } from '../../../src/contract/ml-request';
import { wafV1 } from '../../../src/features/waf-v1';
import { silentLogger } from '../../../src/logger';
import { describeAdapterConformance } from '../../../src/sdk/conformance';
import supertest from 'supertest';
import { loadModel } from '../../../src/adapter/load-model';
import { createContainer, TOKENS } from '../../../src/container';
import { createApp } from '../../../src/server/create-app';
import { modelsDir } from '../../helpers/models-dir';

const FIXTURES = path.resolve(__dirname, '../../fixtures/xgboost');
const request = (args: Array<[string, string]>, method = 'GET'): MlRequest => ({ method, path: '/index.php', args, files: [], sizes: [], hour: 3, day: 14 });
const requests: MlRequest[] = [
  request([]),
  request([['ARGS:q', 'fish and chips']]),
  request([['ARGS:q', "1' UNION SELECT password FROM users --"], ['ARGS:x', '<script>alert(1)</script>']], 'POST'),
];

for (const version of ['1.7', '3.x']) {
  describeAdapterConformance({
    adapter: XGBoostAdapter,
    title: `XGBoost ${version} 100-tree booster (.ubj), predict_proba[:,1]`,
    modelsDir: path.join(FIXTURES, version),
    manifest: { adapter: 'xgboost', model: 'waf58.ubj', threshold: 0.5, anomalyWhen: 'above' },
    requests,
  });
  describeAdapterConformance({
    adapter: SklearnAdapter,
    title: `XGBoost ${version} XGBClassifier joblib through the sklearn adapter`,
    modelsDir: path.join(FIXTURES, version),
    manifest: { adapter: 'sklearn', model: 'waf58.joblib', output: 'predict_proba[:,1]', threshold: 0.5, anomalyWhen: 'above' },
    requests,
  });
}

function loaded(adapter: ModelAdapter, manifest: Record<string, unknown>, dir = path.join(FIXTURES, '1.7')): ModelAdapter {
  const valid = validateManifest({ threshold: 0.5, anomalyWhen: 'above', ...manifest }, path.join(dir, 'manifest.json'));
  const context: AdapterContext = { manifest: valid, modelPath: path.join(dir, String(manifest.model)), modelsDir: dir, extractor: wafV1, logger: silentLogger };
  void adapter.load(context);
  return adapter;
}

describe('xgboost adapter', () => {
  const cases = JSON.parse(readFileSync(path.join(FIXTURES, '1.7', 'cases.json'), 'utf8')) as {
    waf58: { rows: Array<Array<number | null>>; predict_proba: number[][] };
  };
  const rows = cases.waf58.rows.map((row) => row.map((v) => v ?? NaN));

  it.each(['waf58.ubj', 'waf58.joblib'])('%s scores are XGBoost\'s predict_proba[:,1], bit for bit', (model) => {
    const scores = loaded(new XGBoostAdapter(), { adapter: 'xgboost', model }).score(rows) as Float64Array;
    expect(Array.from(scores)).toEqual(cases.waf58.predict_proba.map((p) => p[1]));
  });

  it('decision_function is the margin: the logit of the probability', () => {
    const proba = loaded(new XGBoostAdapter(), { adapter: 'xgboost', model: 'waf58.ubj' }).score(rows) as Float64Array;
    const margin = loaded(new XGBoostAdapter(), { adapter: 'xgboost', model: 'waf58.ubj', output: 'decision_function' }).score(rows) as Float64Array;
    margin.forEach((m, i) => expect(1 / (1 + Math.exp(-m))).toBeCloseTo(proba[i], 6));
  });

  it('refuses an extractor of another width at load, naming both widths', () => {
    expect(() => loaded(new XGBoostAdapter(), { adapter: 'xgboost', model: 'binary_logistic.json' })).toThrow(
      expect.objectContaining({ code: 'ESTIMATOR_INPUT_INVALID', message: expect.stringMatching(/5 features .* gives 58/) }),
    );
  });

  it('refuses a manifest without a model file', () => {
    const adapter = new XGBoostAdapter();
    const dir = path.join(FIXTURES, '1.7');
    const manifest = validateManifest({ adapter: 'xgboost', threshold: 0.5 }, path.join(dir, 'manifest.json'));
    expect(() => adapter.load({ manifest, modelPath: undefined, modelsDir: dir, extractor: wafV1, logger: silentLogger })).toThrow(expect.objectContaining({ code: 'MANIFEST_INVALID' }));
  });
});

describe('an XGBoost model behind the server', () => {
  const bodies = [
    'method=GET&path=/index.php&args={"ARGS:q":"fish and chips"}&files={}&sizes={}&hour=07&day=29',
    `method=POST&path=/login.php&args={"ARGS:user":"admin' OR 1=1 --","ARGS:x":"<script>alert(1)</script>"}&files={}&sizes={}&hour=03&day=02`,
    'method=GET&path=/../../etc/passwd&args={}&files={}&sizes={}&hour=23&day=31',
  ];

  it.each(['waf58.ubj', 'waf58.joblib'])('answers score=<p> with 200 or 401 by the threshold (%s)', async (file) => {
    const container = createContainer({ logger: silentLogger });
    const model = await loadModel({
      modelsDir: modelsDir({ adapter: 'xgboost', model: file, threshold: 0.5, anomalyWhen: 'above' }, { [file]: readFileSync(path.join(FIXTURES, '1.7', file)) }),
      adapters: container.resolve(TOKENS.AdapterRegistry),
      extractors: container.resolve(TOKENS.ExtractorRegistry),
      logger: silentLogger,
    });
    const app = createApp({ model: () => model, logger: silentLogger });
    for (const body of bodies) {
      const res = await supertest(app).post('/').set('Content-Type', 'application/x-www-form-urlencoded').send(body);
      const score = Number(res.text.replace(/^score=/, ''));
      expect(score).toBeGreaterThanOrEqual(0);
      expect(score).toBeLessThanOrEqual(1);
      expect(res.status).toBe(score > 0.5 ? 401 : 200);
    }
  });
});
