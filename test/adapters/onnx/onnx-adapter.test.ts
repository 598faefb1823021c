/**
 * @jest-environment ./src/sdk/jest-environment.ts
 */
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { OnnxAdapter } from '../../../adapters/onnx/onnx-adapter';
import { AdapterRegistry } from '../../../src/adapter/adapter-registry';
import { loadModel } from '../../../src/adapter/load-model';
import { validateManifest } from '../../../src/adapter/manifest';
import type { AdapterContext } from '../../../src/adapter/model-adapter';
import type { MlRequest } from '../../../src/contract/ml-request';
import { ExtractorRegistry } from '../../../src/features/extractor-registry';
import type { FeatureExtractor } from '../../../src/features/feature-extractor';
import { silentLogger } from '../../../src/logger';

const FIXTURES = path.resolve(__dirname, '../../fixtures/onnx');
interface Case { file: string; inputs: Array<number[] | string>; outputs: Record<string, number[]> }
const EXPECTED: { cases: Case[] } = require('../../fixtures/onnx/expected.json');
const caseOf = (file: string) => EXPECTED.cases.find((c) => c.file === file)!;

/** An extractor of `width` columns that reads the numbers back from the request's args. */
function argsExtractor(width: number): FeatureExtractor {
  return {
    name: `args-${width}`,
    featureNames: Array.from({ length: width }, (_, i) => `f${i}`),
    extract: (request) => request.args.map(([, value]) => Number(value)),
  };
}

function contextFor(file: string, manifest: Record<string, unknown> = {}, width = 4): AdapterContext {
  return {
    manifest: validateManifest({ adapter: 'onnx', model: file, threshold: 0.5, ...manifest }, 'test manifest'),
    modelPath: path.join(FIXTURES, file),
    modelsDir: FIXTURES,
    extractor: argsExtractor(width),
    logger: silentLogger,
  };
}

async function loaded(file: string, manifest: Record<string, unknown> = {}, width = 4): Promise<OnnxAdapter> {
  const adapter = new OnnxAdapter();
  await adapter.load(contextFor(file, manifest, width));
  return adapter;
}

const request = (args: Array<[string, string]>): MlRequest => ({ method: 'GET', path: '/', args, files: [], sizes: [], hour: 1, day: 1 });

function expectClose(actual: ArrayLike<number>, expected: readonly number[], tolerance: number): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((value, i) => expect(Math.abs(actual[i] - value)).toBeLessThanOrEqual(tolerance * Math.max(1, Math.abs(value))));
}

describe('OnnxAdapter on the numpy-computed fixtures', () => {
  const runs: Array<[string, string, number, number]> = [
    ['linear.onnx', 'score', 4, 1e-12],
    ['mlp.onnx', 'probability', 6, 1e-5],
    ['tree.onnx', 'variable', 3, 1e-6],
    ['classifier.onnx', 'probabilities[:,1]', 4, 1e-5],
    ['classifier.onnx', 'probabilities[:, 0]', 4, 1e-5],
    ['classifier.onnx', 'label', 4, 0],
    ['zipmap.onnx', 'label', 4, 0],
    ['text.onnx', 'score', 0, 1e-5],
    ['fixed-batch.onnx', 'score', 3, 1e-5],
  ];
  it.each(runs)('%s output %s matches numpy', async (file, output, width, tolerance) => {
    const adapter = await loaded(file, { output }, width);
    const fixture = caseOf(file);
    const key = output.replace(/\s/g, '');
    expectClose(await adapter.score(fixture.inputs), fixture.outputs[key], tolerance);
    await adapter.dispose();
  });

  it('scores a batch in one run like row by row (dynamic batch dimension)', async () => {
    const adapter = await loaded('mlp.onnx', {}, 6);
    const rows = caseOf('mlp.onnx').inputs;
    const batch = await adapter.score(rows);
    const singles = await Promise.all(rows.map(async (row) => (await adapter.score([row]))[0]));
    expect(Array.from(batch)).toEqual(singles);
    await adapter.dispose();
  });

  it('runs a fixed batch of 4 in chunks, padding the last one, for any batch length', async () => {
    const adapter = await loaded('fixed-batch.onnx', {}, 3);
    const fixture = caseOf('fixed-batch.onnx');
    for (const n of [1, 4, 5]) expectClose(await adapter.score(fixture.inputs.slice(0, n)), fixture.outputs.score.slice(0, n), 1e-5);
    await adapter.dispose();
  });

  it('runs a model with a fixed batch dimension of 1 row by row', async () => {
    const adapter = await loaded('linear.onnx', {}, 4);
    const fixture = caseOf('linear.onnx');
    expectClose(await adapter.score(fixture.inputs.slice(0, 3)), fixture.outputs.score.slice(0, 3), 1e-12);
    expect(await adapter.score([])).toHaveLength(0);
    await adapter.dispose();
  });

  it('reads its input kind from the model: string inputs take the args as text', async () => {
    const text = await loaded('text.onnx', {}, 0);
    expect(text.describe()).toMatchObject({ name: 'onnx', inputKind: 'text', output: 'output score of text.onnx' });
    expect(text.toInput(request([['ARGS:a', "' or 1=1"], ['ARGS:b', '--']]))).toBe("' or 1=1\n--");
    await text.warmUp();
    const features = await loaded('mlp.onnx', {}, 6);
    expect(features.describe().inputKind).toBe('features');
    expect(features.toInput(request([['ARGS:x', '1.5']]))).toEqual([1.5]);
    await features.warmUp();
    await Promise.all([text.dispose(), features.dispose()]);
  });

  it('does not let a NUL character cut a text short (onnxruntime reads C strings)', async () => {
    const adapter = await loaded('text.onnx', {}, 0);
    const [withNul, replaced, cut] = await adapter.score(["x\0' or 1=1 --", "x\uFFFD' or 1=1 --", 'x']);
    expect(withNul).toBe(replaced);
    expect(withNul).not.toBeCloseTo(cut, 3);
    await adapter.dispose();
  });

  it('serves through loadModel, finding the only .onnx file when the manifest names none', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'onnx-model-'));
    try {
      copyFileSync(path.join(FIXTURES, 'classifier.onnx'), path.join(dir, 'model.onnx'));
      writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({
        adapter: 'onnx', output: 'probabilities[:,1]', threshold: 0.5, anomalyWhen: 'above', extractor: 'args-4',
        options: { intraOpNumThreads: 1, graphOptimizationLevel: 'basic' },
      }));
      const model = await loadModel({
        modelsDir: dir,
        adapters: new AdapterRegistry().add(OnnxAdapter),
        extractors: new ExtractorRegistry().add(argsExtractor(4)),
        logger: silentLogger,
      });
      const fixture = caseOf('classifier.onnx');
      const requests = fixture.inputs.map((row) => request((row as number[]).map((v, i) => [`ARGS:f${i}`, String(v)])));
      const decisions = await model.judgeBatch(requests);
      expectClose(decisions.map((d) => d.score), fixture.outputs['probabilities[:,1]'], 1e-5);
      expect(decisions.map((d) => d.anomaly)).toEqual(fixture.outputs.label.map((label) => label === 1));
      await model.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('OnnxAdapter errors', () => {
  const rejects = async (promise: Promise<unknown>, code: string, text: RegExp) => {
    const error = await promise.then(() => undefined, (e: unknown) => e);
    expect(error).toMatchObject({ code });
    expect((error as Error).message).toMatch(text);
  };

  it('refuses rows whose feature count differs from the input width', async () => {
    const adapter = await loaded('mlp.onnx', {}, 6);
    await rejects(adapter.score([[1, 2, 3]]), 'ONNX_INPUT_SHAPE', /row 0 has 3 features but input "X" of .*mlp\.onnx takes 6/);
    await adapter.dispose();
  });

  it('refuses at load an extractor whose width differs from the model input', async () => {
    await rejects(loaded('mlp.onnx', {}, 58), 'ONNX_INPUT_SHAPE', /takes 6 features, but extractor "args-58".* gives 58/);
  });

  it('names the outputs the model has when the manifest output is unknown', async () => {
    await rejects(loaded('classifier.onnx', { output: 'nope' }), 'ONNX_OUTPUT_UNKNOWN', /no output "nope"; its outputs are "label", "probabilities"/);
    await rejects(loaded('classifier.onnx', { output: 'predict_proba[:,1]' }), 'ONNX_OUTPUT_UNKNOWN', /skl2onnx calls it probabilities\[:,1\]/);
    await rejects(loaded('classifier.onnx', {}), 'ONNX_OUTPUT_UNKNOWN', /has 2 outputs/);
    await rejects(loaded('classifier.onnx', { output: 'probabilities' }), 'ONNX_OUTPUT_UNKNOWN', /2 columns per row; pick one, e.g. "probabilities\[:,1\]"/);
    await rejects(loaded('classifier.onnx', { output: 'probabilities[:,2]' }), 'ONNX_OUTPUT_UNKNOWN', /column 2 does not exist/);
    await rejects(loaded('classifier.onnx', { output: 'label[:,0]' }), 'ONNX_OUTPUT_UNKNOWN', /is 1-D/);
    await rejects(loaded('classifier.onnx', { output: 'probabilities[1]' }), 'ONNX_OUTPUT_UNKNOWN', /is not "name" or "name\[:,column\]"/);
  });

  it('explains how to export without ZipMap when the output is a sequence of maps', async () => {
    await rejects(loaded('zipmap.onnx', { output: 'output_probability' }), 'ONNX_NON_TENSOR_OUTPUT', /\{"zipmap": False\}/);
  });

  it('refuses models with several inputs, and an options.input the model does not have', async () => {
    await rejects(loaded('two-inputs.onnx', {}, 1), 'ONNX_INPUT_SHAPE', /declares 2 inputs \("A", "B"\); the onnx adapter feeds exactly one/);
    await rejects(loaded('mlp.onnx', { options: { input: 'features' } }, 6), 'ONNX_INPUT_SHAPE', /has no input "features" \(options.input\); its input is "X"/);
    const adapter = await loaded('mlp.onnx', { options: { input: 'X' } }, 6);
    await adapter.dispose();
  });

  it('refuses input element types it cannot feed', async () => {
    await rejects(loaded('int-input.onnx', { output: 'score' }, 2), 'ONNX_UNSUPPORTED_TYPE', /element type int64/);
  });

  it('reports bad options, unreadable files and use after dispose', async () => {
    await rejects(loaded('mlp.onnx', { options: { intraOpNumThreads: -1 } }, 6), 'MANIFEST_INVALID', /options.intraOpNumThreads/);
    await rejects(loaded('mlp.onnx', { options: { graphOptimizationLevel: 'max' } }, 6), 'MANIFEST_INVALID', /graphOptimizationLevel/);
    await rejects(loaded('mlp.onnx', { options: { threads: 2 } }, 6), 'MANIFEST_INVALID', /options.threads/);
    await rejects(loaded('missing.onnx'), 'MODEL_LOAD_FAILED', /could not load .*missing\.onnx/);
    await rejects(loaded('expected.json'), 'MODEL_LOAD_FAILED', /could not load .*expected\.json/);
    const adapter = await loaded('mlp.onnx', {}, 6);
    await adapter.dispose();
    await rejects(adapter.score([[0, 0, 0, 0, 0, 0]]), 'MODEL_LOAD_FAILED', /not loaded \(or was disposed\)/);
  });
});
