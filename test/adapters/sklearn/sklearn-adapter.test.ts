import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { SklearnAdapter } from '../../../adapters/sklearn/sklearn-adapter';
import { loadModel, type LoadedModel } from '../../../src/adapter/load-model';
import { createContainer, TOKENS } from '../../../src/container';
import type { MlRequest } from '../../../src/contract/ml-request';
import { parseRequestBody } from '../../../src/contract/parse-request';
import { parseRequestLine } from '../../../src/features/request-line';
import { wafV1 } from '../../../src/features/waf-v1';
import { silentLogger } from '../../../src/logger';
import { createApp } from '../../../src/server/create-app';
import { loadModelFile } from '../../../src/pickle';
import { loadEstimator, runMethod, sklearnVersionOf } from '../../../src/sklearn/build-estimator';
import { fromRows } from '../../../src/sklearn/matrix';
import { modelsDir } from '../../helpers/models-dir';

const TREES = path.resolve(__dirname, '../../fixtures/sklearn/trees');
const IFOREST = readFileSync(path.join(TREES, 'waf/iforest-waf-v1.joblib'));
const FOREST = readFileSync(path.join(TREES, 'waf/rfc-waf-v1.joblib'));
const WAF_CASES = JSON.parse(readFileSync(path.join(TREES, 'waf.json'), 'utf8')) as Array<{
  name: string;
  input: number[][];
  outputs: Record<string, unknown[]>;
}>;
const CORPUS: MlRequest[] = readFileSync(path.resolve(__dirname, '../../fixtures/features/corpus.jsonl'), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .slice(0, 400)
  .map(parseRequestLine);

function load(manifest: Record<string, unknown>, files: Record<string, Buffer>): Promise<LoadedModel> {
  const container = createContainer({ logger: silentLogger });
  return loadModel({
    modelsDir: modelsDir(manifest, files),
    adapters: container.resolve(TOKENS.AdapterRegistry),
    extractors: container.resolve(TOKENS.ExtractorRegistry),
    logger: silentLogger,
  });
}

const IFOREST_MANIFEST = { adapter: 'sklearn', model: 'iforest.joblib', output: 'decision_function', threshold: -0.313, anomalyWhen: 'below' };

describe('SklearnAdapter', () => {
  it('is a built-in adapter named "sklearn"', () => {
    const adapters = createContainer({ logger: silentLogger }).resolve<{ get(name: string): unknown }>(TOKENS.AdapterRegistry);
    expect(adapters.get('sklearn')).toBe(SklearnAdapter);
  });

  // Tolerance: 1e-9 relative or 1e-12 absolute, as every sklearn fixture (V8's pow may differ from
  // glibc's in the last bit).
  it('scores feature rows as sklearn 1.2.1 does (IsolationForest(100).decision_function)', async () => {
    const model = await load(IFOREST_MANIFEST, { 'iforest.joblib': IFOREST });
    const fixture = WAF_CASES.find((c) => c.name === 'iforest-waf-v1')!;
    const scores = await model.adapter.score(fixture.input);
    const expected = fixture.outputs.decision_function as number[];
    expected.forEach((e, i) => expect(Math.abs(scores[i] - e)).toBeLessThanOrEqual(Math.max(1e-12, 1e-9 * Math.abs(e))));
  });

  it('serves the pickled IsolationForest through loadModel with threshold -0.313 and the waf-v1 features', async () => {
    const model = await load(IFOREST_MANIFEST, { 'iforest.joblib': IFOREST });
    expect(model.adapter.describe()).toEqual({
      name: 'sklearn',
      inputKind: 'features',
      output: 'IsolationForest.decision_function of iforest.joblib',
    });
    const decisions = await model.judgeBatch(CORPUS);
    const estimator = loadEstimator(path.join(TREES, 'waf/iforest-waf-v1.joblib'));
    const direct = runMethod(estimator, 'decision_function', fromRows(CORPUS.map((r) => wafV1.extract(r)))) as Float64Array;
    decisions.forEach((d, i) => {
      expect(d.score).toBe(direct[i]);
      expect(d.anomaly).toBe(direct[i] < -0.313);
    });
    // Real scores, not a constant: the requests land in different leaves.
    expect(new Set(decisions.map((d) => d.score)).size).toBeGreaterThan(CORPUS.length / 4);
  });

  it('gives the same floats when a feature row comes again (the row score cache), one request at a time', async () => {
    const model = await load(IFOREST_MANIFEST, { 'iforest.joblib': IFOREST });
    const estimator = loadEstimator(path.join(TREES, 'waf/iforest-waf-v1.joblib'));
    const direct = runMethod(estimator, 'decision_function', fromRows(CORPUS.map((r) => wafV1.extract(r)))) as Float64Array;
    for (let pass = 0; pass < 2; pass++) {
      for (let i = 0; i < CORPUS.length; i++) expect((await model.judge(CORPUS[i])).score).toBe(direct[i]);
    }
    // A batch mixing rows seen before with a new one still answers each in order.
    const fresh: MlRequest = { ...CORPUS[0], args: [['ARGS:never-seen', 'x'.repeat(77)]] };
    const mixed = await model.judgeBatch([CORPUS[3], fresh, CORPUS[1]]);
    const freshDirect = runMethod(estimator, 'decision_function', fromRows([wafV1.extract(fresh)])) as Float64Array;
    expect(mixed.map((d) => d.score)).toEqual([direct[3], freshDirect[0], direct[1]]);
  });

  it('answers POST / with 200 or 401 by the IsolationForest score', async () => {
    const bodies = [
      'method=GET&path=/&args={}&files={}&sizes={}&hour=10&day=12',
      `method=POST&path=/../../etc/passwd.php&args={"ARGS:q":"1' UNION SELECT password FROM users -- <script>alert(1)</script> $(cat /etc/passwd)"}&files={}&sizes={}&hour=03&day=31`,
    ];
    // A threshold between the two requests' scores, so one must pass and the other be blocked.
    const estimator = loadEstimator(path.join(TREES, 'waf/iforest-waf-v1.joblib'));
    const rows = bodies.map((body) => wafV1.extract(parseRequestBody(Buffer.from(body))));
    const [benign, attack] = runMethod(estimator, 'decision_function', fromRows(rows)) as Float64Array;
    expect(attack).toBeLessThan(benign);
    const model = await load({ ...IFOREST_MANIFEST, threshold: (benign + attack) / 2 }, { 'iforest.joblib': IFOREST });
    const app = createApp({ model: () => model, logger: silentLogger });
    const statuses = new Set<number>();
    for (const body of bodies) {
      const res = await request(app).post('/').set('Content-Type', 'application/x-www-form-urlencoded').send(body);
      const score = Number(res.text.replace(/^score=/, ''));
      expect(res.status).toBe(score < (benign + attack) / 2 ? 401 : 200);
      statuses.add(res.status);
    }
    expect([...statuses].sort()).toEqual([200, 401]);

    // The original plugin's threshold: decided as placeholder.py would (score < -0.313 -> 401).
    const original = await load(IFOREST_MANIFEST, { 'iforest.joblib': IFOREST });
    const originalApp = createApp({ model: () => original, logger: silentLogger });
    for (const [i, body] of bodies.entries()) {
      const res = await request(originalApp).post('/').set('Content-Type', 'application/x-www-form-urlencoded').send(body);
      expect(Number(res.text.replace(/^score=/, ''))).toBeCloseTo([benign, attack][i], 12);
      expect(res.status).toBe([benign, attack][i] < -0.313 ? 401 : 200);
    }
  });

  it("takes predict_proba[:,'label'] and predict_proba[:,N] from a RandomForest with string classes", async () => {
    const fixture = WAF_CASES.find((c) => c.name === 'rfc-waf-v1')!;
    const proba = fixture.outputs.predict_proba as number[][];
    const byLabel = await load({ adapter: 'sklearn', model: 'rf.joblib', output: "predict_proba[:,'attack']", threshold: 0.5, anomalyWhen: 'above' }, { 'rf.joblib': FOREST });
    const byIndex = await load({ adapter: 'sklearn', model: 'rf.joblib', output: 'predict_proba[:,1]', threshold: 0.5, anomalyWhen: 'above' }, { 'rf.joblib': FOREST });
    const a = await byLabel.adapter.score(fixture.input);
    const b = await byIndex.adapter.score(fixture.input);
    proba.forEach((row, i) => {
      expect(a[i]).toBe(row[0]); // classes_ = ['attack', 'normal']
      expect(b[i]).toBe(row[1]);
    });
  });

  it('feeds the argument values as text to a pipeline that starts with a text vectorizer', async () => {
    const pipeline = readFileSync(path.join(TREES, 'composed/tfidf-forest.pkl'));
    const model = await load(
      { adapter: 'sklearn', model: 'p.pkl', output: "predict_proba[:,'attack']", threshold: 0.5, anomalyWhen: 'above' },
      { 'p.pkl': pipeline },
    );
    expect(model.adapter.describe().inputKind).toBe('text');
    const requests: MlRequest[] = [
      { method: 'GET', path: '/', args: [['ARGS:q', '<script>alert(1)</script>'], ['ARGS:page', 'search page two']], files: [], sizes: [], hour: 1, day: 2 },
      { method: 'GET', path: '/', args: [['ARGS:q', 'fish and chips']], files: [], sizes: [], hour: 1, day: 2 },
    ];
    const decisions = await model.judgeBatch(requests);
    const estimator = loadEstimator(path.join(TREES, 'composed/tfidf-forest.pkl'));
    const proba = runMethod(estimator, 'predict_proba', ['<script>alert(1)</script>\nsearch page two', 'fish and chips']) as { data: Float64Array };
    expect(decisions.map((d) => d.score)).toEqual([proba.data[0], proba.data[2]]); // classes_ = ['attack', 'normal']
    expect(decisions.map((d) => d.anomaly)).toEqual([true, false]);
  });

  it('refuses outputs the model cannot give, each with its code', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ output: 'predict_proba[:,1]' }, 'ESTIMATOR_METHOD_UNSUPPORTED'], // IsolationForest has no predict_proba
      [{ output: 'decision_function; rm -rf /' }, 'SKLEARN_OUTPUT_INVALID'],
      [{ output: 'transform' }, 'SKLEARN_OUTPUT_INVALID'],
      [{ key: 'model' }, 'MODEL_KEY_INVALID'],
    ];
    for (const [patch, code] of cases) {
      await expect(load({ ...IFOREST_MANIFEST, ...patch }, { 'iforest.joblib': IFOREST })).rejects.toMatchObject({ code });
    }
    const forest = { adapter: 'sklearn', model: 'rf.joblib', threshold: 0.5, anomalyWhen: 'above' };
    await expect(load({ ...forest, output: 'predict' }, { 'rf.joblib': FOREST })).rejects.toMatchObject({ code: 'SKLEARN_OUTPUT_INVALID' });
    await expect(load({ ...forest, output: "predict_proba[:,'benign']" }, { 'rf.joblib': FOREST })).rejects.toMatchObject({ code: 'SKLEARN_OUTPUT_INVALID' });
    await expect(load({ ...forest, output: 'predict_proba[:,2]' }, { 'rf.joblib': FOREST })).rejects.toMatchObject({ code: 'SKLEARN_OUTPUT_INVALID' });
  });

  it('stops startup when the extractor width differs from n_features_in_', async () => {
    const fourFeatures = readFileSync(path.join(TREES, 'iforest/iforest-auto.pkl'));
    await expect(load({ ...IFOREST_MANIFEST, model: 'm.pkl' }, { 'm.pkl': fourFeatures })).rejects.toMatchObject({
      code: 'ESTIMATOR_INPUT_INVALID',
      message: expect.stringMatching(/fitted with 4 features .* extractor "waf-v1" .* gives 58/),
    });
  });

  it('reads a model inside a dict through the manifest key', async () => {
    const wrapped = readFileSync(path.join(TREES, 'iforest/iforest-dict-key.pkl'));
    const model = await load({ ...IFOREST_MANIFEST, model: 'm.pkl', key: 'model', extractor: 'waf-v1' }, { 'm.pkl': wrapped }).catch((e) => e);
    // That model has 4 features, so the waf-v1 width check is what stops it -- after the key worked.
    expect(model).toMatchObject({ code: 'ESTIMATOR_INPUT_INVALID' });
  });

  it('warns at startup when the file comes from a scikit-learn version the fixtures do not verify', async () => {
    expect(sklearnVersionOf(loadModelFile(path.join(TREES, 'waf/iforest-waf-v1.joblib')))).toEqual({ version: '1.2.1', verified: true });
    expect(sklearnVersionOf([1, 2], '')).toEqual({ version: undefined, verified: false });
    const warnings: string[] = [];
    const adapter = new SklearnAdapter();
    const logger = { ...silentLogger, warn: (message: string) => void warnings.push(message) };
    adapter.load({ manifest: { ...IFOREST_MANIFEST, extractor: 'waf-v1' } as never, modelPath: path.join(TREES, 'waf/iforest-waf-v1.joblib'), modelsDir: TREES, logger, extractor: wafV1 });
    expect(warnings).toEqual([]); // 1.2.1 is verified

    // The same pipeline as saved by scikit-learn 1.9.0, as if by a newer 2.0.0 (same-length version strings patched in).
    const bytes = Buffer.from(readFileSync(path.join(TREES, '../1.9/trees/composed/tfidf-forest.pkl')).toString('latin1').replaceAll('1.9.0', '2.0.0'), 'latin1');
    const model = await load({ adapter: 'sklearn', model: 'p.pkl', output: 'predict_proba[:,0]', threshold: 0.5, anomalyWhen: 'above' }, { 'p.pkl': bytes });
    expect(model.adapter.describe().inputKind).toBe('text');
    const other = new SklearnAdapter();
    const dir = path.dirname(path.join(TREES, 'composed/tfidf-forest.pkl'));
    const tmp = path.join(tmpdir(), `crs-sklearn-${process.pid}.pkl`);
    writeFileSync(tmp, bytes);
    other.load({ manifest: { adapter: 'sklearn', output: 'predict_proba[:,0]' } as never, modelPath: tmp, modelsDir: dir, logger, extractor: wafV1 });
    expect(warnings).toEqual([expect.stringMatching(/saved with scikit-learn 2\.0\.0, newer than the newest verified version \(1\.9\); the sklearn adapter is verified against 1\.2\.x, .*1\.9\.x/)]);
  });

  it('needs a model file', async () => {
    await expect(load({ adapter: 'sklearn', threshold: 0 }, {})).rejects.toMatchObject({ code: 'MANIFEST_INVALID' });
  });
});
