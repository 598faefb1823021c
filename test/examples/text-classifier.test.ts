import request from 'supertest';
import type { MlRequest } from '../../src/contract/ml-request';
import { builtIns, formBody, serveExample } from './serve-example';

const expected: { args: string[][]; 'predict_proba[:,1]': number[] } = require('../../examples/text-classifier/saved_models/expected.json');
const toMlRequest = (values: string[]): MlRequest => ({
  method: 'GET',
  path: '/search',
  args: values.map((value, i): [string, string] => [`ARGS:a${i}`, value]),
  files: [],
  sizes: [],
  hour: 10,
  day: 3,
});

const ready = builtIns().adapters.has('sklearn');
const suite = ready ? describe : describe.skip;

// Skipped until adapters/sklearn is registered in src/container.ts (a text model needs no extractor).
suite(`examples/text-classifier${ready ? '' : ' (skipped: adapter "sklearn" not registered in src/container.ts yet)'}`, () => {
  it("gives scikit-learn's own predict_proba over the joined argument values", async () => {
    const { model } = await serveExample('text-classifier');
    expect(model.adapter.describe().inputKind).toBe('text');
    const decisions = await model.judgeBatch(expected.args.map(toMlRequest));
    decisions.forEach((decision, i) => {
      expect(Math.abs(decision.score - expected['predict_proba[:,1]'][i])).toBeLessThan(1e-9);
      expect(decision.anomaly).toBe(expected['predict_proba[:,1]'][i] > 0.5);
    });
    await model.dispose();
  });

  it('is served over HTTP: words pass, a payload hidden among them is blocked', async () => {
    const { app, model } = await serveExample('text-classifier');
    await request(app).post('/').send(formBody({ q: 'winter jacket', page: '3' })).expect(200);
    await request(app).post('/').send(formBody({ q: 'winter jacket', id: "1' and sleep(5)#" })).expect(401);
    await model.dispose();
  });
});

describe('examples/text-classifier files', () => {
  it('commits a manifest for the sklearn adapter with a probability threshold', () => {
    expect(require('../../examples/text-classifier/saved_models/manifest.json')).toMatchObject({
      adapter: 'sklearn',
      model: 'model.pkl',
      output: 'predict_proba[:,1]',
      threshold: 0.5,
      anomalyWhen: 'above',
    });
  });
});
