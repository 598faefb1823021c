/**
 * @jest-environment ./src/sdk/jest-environment.ts
 */
import path from 'node:path';
import request from 'supertest';
import { OnnxAdapter } from '../../adapters/onnx/onnx-adapter';
import type { MlRequest } from '../../src/contract/ml-request';
import { describeAdapterConformance } from '../../src/sdk/conformance';
import { EXAMPLES, formBody, serveExample } from './serve-example';

const MODELS = path.join(EXAMPLES, 'onnx', 'saved_models');
const expected: { texts: string[]; 'predict_proba[:,1]': number[] } = require('../../examples/onnx/saved_models/expected.json');

/** A request whose argument values, joined by newlines, are `text` (what the adapter feeds a text model). */
const textRequest = (text: string): MlRequest => ({
  method: 'GET',
  path: '/search',
  args: text === '' ? [] : text.split('\n').map((value, i): [string, string] => [`ARGS:a${i}`, value]),
  files: [],
  sizes: [],
  hour: 10,
  day: 3,
});

describe('examples/onnx', () => {
  it("gives scikit-learn's own probabilities through the server's model", async () => {
    const { model } = await serveExample('onnx');
    expect(model.adapter.describe()).toEqual({ name: 'onnx', inputKind: 'text', output: 'output probabilities[:,1] of model.onnx' });
    const decisions = await model.judgeBatch(expected.texts.map(textRequest));
    decisions.forEach((decision, i) => {
      expect(Math.abs(decision.score - expected['predict_proba[:,1]'][i])).toBeLessThan(1e-5);
      expect(decision.anomaly).toBe(expected['predict_proba[:,1]'][i] > 0.5);
    });
    await model.dispose();
  });

  it('is served over HTTP: benign values pass, attacks are blocked', async () => {
    const { app, model } = await serveExample('onnx');
    await request(app).post('/').send(formBody({ q: 'summer jacket' })).expect(200, /^score=0\.0/);
    await request(app).post('/').send(formBody({ q: '<script>alert(1)</script>' })).expect(401, /^score=0\.9/);
    await request(app).post('/').send(formBody({ user: 'fish', pass: "' or 1=1 --" })).expect(401);
    await model.dispose();
  });
});

describeAdapterConformance({
  adapter: OnnxAdapter,
  modelsDir: MODELS,
  requests: expected.texts.map(textRequest),
  tolerance: 1e-6,
});
