/**
 * @jest-environment ./src/sdk/jest-environment.ts
 */
import path from 'node:path';
import { OnnxAdapter } from '../../adapters/onnx/onnx-adapter';
import { RandomAdapter } from '../../adapters/random/random-adapter';
import { SklearnAdapter } from '../../adapters/sklearn/sklearn-adapter';
import type { ModelAdapterClass } from '../../src/adapter/model-adapter';
import type { MlRequest } from '../../src/contract/ml-request';
import { describeAdapterConformance, type ConformanceOptions } from '../../src/sdk/conformance';
import { defineAdapter } from '../../src/sdk/define-adapter';

const request = (args: Array<[string, string]>, requestPath = '/'): MlRequest => ({ method: 'GET', path: requestPath, args, files: [], sizes: [], hour: 12, day: 3 });
const rows: number[][] = require('../fixtures/onnx/expected.json').cases.find((c: { file: string }) => c.file === 'mlp.onnx').inputs;
const numberRequests = rows.map((row) => request(row.map((v, i) => [`ARGS:f${i}`, String(v)])));

// The built-ins pass the suite they ship with.
describeAdapterConformance({
  adapter: RandomAdapter,
  manifest: { adapter: 'random', threshold: -0.313, options: { seed: 42 } },
  requests: [request([]), request([['ARGS:q', '1']]), request([], '/x')],
});

describeAdapterConformance({
  adapter: OnnxAdapter,
  modelsDir: path.resolve(__dirname, '../fixtures/onnx'),
  manifest: { adapter: 'onnx', model: 'mlp.onnx', threshold: 0.5, anomalyWhen: 'above', extractor: 'args-6' },
  extractor: { name: 'args-6', featureNames: ['a', 'b', 'c', 'd', 'e', 'f'], extract: (r) => r.args.map(([, v]) => Number(v)) },
  requests: numberRequests,
  tolerance: 1e-6,
  title: 'float features, mlp.onnx',
});

describeAdapterConformance({
  adapter: OnnxAdapter,
  modelsDir: path.resolve(__dirname, '../fixtures/onnx'),
  manifest: { adapter: 'onnx', model: 'text.onnx', threshold: 0.5, anomalyWhen: 'above' },
  requests: [request([['ARGS:q', "' or 1=1 --"]]), request([['ARGS:q', 'hello']]), request([])],
  tolerance: 1e-6,
  title: 'string input, text.onnx',
});

// sklearn: the IsolationForest of examples/sklearn-iforest on waf-v1 features (the built-in extractor).
const iforest: { requests: Array<Omit<MlRequest, 'args' | 'files' | 'sizes'> & Record<'args' | 'files' | 'sizes', Record<string, never>>> } =
  require('../../examples/sklearn-iforest/saved_models/expected.json');
describeAdapterConformance({
  adapter: SklearnAdapter,
  modelsDir: path.resolve(__dirname, '../../examples/sklearn-iforest/saved_models'),
  requests: iforest.requests.map((r) => ({ ...r, args: Object.entries(r.args), files: Object.entries(r.files), sizes: Object.entries(r.sizes) })),
});

/** Runs the suite against collected describe/it stand-ins and returns each check's outcome. */
async function outcomes(options: ConformanceOptions): Promise<Map<string, string>> {
  const tests: Array<[string, () => Promise<void>]> = [];
  const saved = { describe: globalThis.describe, it: globalThis.it };
  Object.assign(globalThis, { describe: (_: string, body: () => void) => body(), it: (name: string, body: () => Promise<void>) => tests.push([name, body]) });
  try {
    describeAdapterConformance(options);
  } finally {
    Object.assign(globalThis, saved);
  }
  const results = new Map<string, string>();
  for (const [name, body] of tests) results.set(name, await body().then(() => 'ok', (e: Error) => e.message));
  return results;
}

describe('describeAdapterConformance catches broken adapters', () => {
  const base = { name: 'broken', inputKind: 'request' as const, output: 'x' };
  const manifest = { adapter: 'broken', threshold: 0 };
  const requests = [request([]), request([['ARGS:a', 'b']])];

  it('a score count that differs from the batch, and non-finite scores', async () => {
    const Short = defineAdapter({ ...base, score: () => [1] });
    expect((await outcomes({ adapter: Short, manifest, requests })).get('scores one finite number per request, in one batch call')).toBe(
      'adapter conformance: score() returned 1 numbers for 2 inputs',
    );
    const Nan = defineAdapter({ ...base, score: (batch) => batch.map(() => NaN) });
    expect((await outcomes({ adapter: Nan, manifest, requests })).get('scores one finite number per request, in one batch call')).toBe(
      'adapter conformance: score 0 is NaN, not a finite number',
    );
  });

  it('a batch that scores differently from single requests', async () => {
    const Sized = defineAdapter({ ...base, score: (batch) => batch.map(() => batch.length) });
    const results = await outcomes({ adapter: Sized, manifest, requests });
    expect(results.get('scores a batch the same as one request at a time')).toBe('adapter conformance: request 0: batch score 2, alone 1');
    expect(results.get('scores one finite number per request, in one batch call')).toBe('ok');
  });

  it('a describe() name that is not the static adapterName, and a failing dispose', async () => {
    const Renamed = class extends defineAdapter({ ...base, score: (b) => b.map(() => 0), dispose: () => Promise.reject(new Error('leak')) }) {
      override describe() {
        return { ...super.describe(), name: 'other' };
      }
    } as ModelAdapterClass;
    const results = await outcomes({ adapter: Renamed, manifest, requests });
    expect(results.get('names itself: static adapterName, describe().name, input kind and output')).toBe(
      'adapter conformance: describe().name is "other", adapterName is "broken"',
    );
    expect(results.get('disposes')).toBe('leak');
  });
});
