import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadModel } from '../../../src/adapter/load-model';
import { createContainer, TOKENS } from '../../../src/container';
import type { MlRequest } from '../../../src/contract/ml-request';
import { silentLogger } from '../../../src/logger';

const SAVED = path.resolve(__dirname, '..', '..', '..', 'saved_models');

function load(manifest: object, model = path.join(SAVED, 'crs-stack-v1', 'model.joblib')) {
  const dir = mkdtempSync(path.join(tmpdir(), 'crs-stack-'));
  copyFileSync(model, path.join(dir, 'model.joblib'));
  writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
  const container = createContainer({ logger: silentLogger });
  return loadModel({ modelsDir: dir, adapters: container.resolve(TOKENS.AdapterRegistry), extractors: container.resolve(TOKENS.ExtractorRegistry), logger: silentLogger });
}

const request = (value: string, crs: Array<[string, number]>): MlRequest => ({
  method: 'GET', path: '/', args: [['ARGS:q', value]], files: [], sizes: [], hour: 1, day: 1, version: 2, crs,
});

describe('crs-stack adapter (saved_models/crs-stack-v1)', () => {
  it('lets a CRS false positive on an ordinary value pass and confirms an attack CRS flagged', async () => {
    const model = await load({ adapter: 'crs-stack', model: 'model.joblib', threshold: 0.108317, anomalyWhen: 'above' });
    const [benign, attack] = await model.judgeBatch([
      request('how do I select all rows where the name is null', [['inbound_anomaly_score_pl2', 5], ['sql_injection_score', 5]]),
      request("1' UNION SELECT username, password FROM users-- -", [['inbound_anomaly_score_pl1', 15], ['sql_injection_score', 15]]),
    ]);
    expect(benign.anomaly).toBe(false);
    expect(attack.anomaly).toBe(true);
    await model.dispose();
  });

  it('refuses another output with MANIFEST_INVALID, and a pickle without the payload/combiner keys', async () => {
    await expect(load({ adapter: 'crs-stack', model: 'model.joblib', threshold: 0.5, output: 'decision_function' })).rejects.toMatchObject({ code: 'MANIFEST_INVALID' });
    await expect(load({ adapter: 'crs-stack', model: 'model.joblib', threshold: 0.5 }, path.join(SAVED, 'payload-v1', 'model.joblib'))).rejects.toMatchObject({
      message: expect.stringMatching(/payload/),
    });
  });

  it('refuses options.items naming no text view, and items on a feature model, in the sklearn adapter', async () => {
    const bad = load({ adapter: 'sklearn', model: 'model.joblib', threshold: 0.5, anomalyWhen: 'above', options: { items: 'payload-v9' } }, path.join(SAVED, 'payload-v1', 'model.joblib'));
    await expect(bad).rejects.toMatchObject({ code: 'MANIFEST_INVALID', message: expect.stringMatching(/payload-v1/) });
    const numeric = load({ adapter: 'sklearn', model: 'model.joblib', threshold: 0.5, anomalyWhen: 'above', options: { items: 'payload-v1' } }, path.join(SAVED, 'rf-waf-v1', 'model.joblib'));
    await expect(numeric).rejects.toMatchObject({ code: 'MANIFEST_INVALID', message: expect.stringMatching(/reads feature rows/) });
  });
});
