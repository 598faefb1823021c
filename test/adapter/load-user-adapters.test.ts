import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AdapterRegistry } from '../../src/adapter/adapter-registry';
import { loadModel } from '../../src/adapter/load-model';
import { loadUserAdapters } from '../../src/adapter/load-user-adapters';
import { main } from '../../src/cli/main';
import type { MlRequest } from '../../src/contract/ml-request';
import { CrsMlError } from '../../src/errors';
import { ExtractorRegistry } from '../../src/features/extractor-registry';
import { silentLogger } from '../../src/logger';
import { RandomAdapter } from '../../adapters/random/random-adapter';

const request: MlRequest = { method: 'GET', path: '/', args: [['ARGS:q', 'abc']], files: [], sizes: [], hour: 3, day: 4 };
let root: string;
beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'user-adapters-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** Writes files under a fresh folder and returns its path. */
function folder(name: string, files: Record<string, string>): string {
  const dir = path.join(root, name);
  mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries(files)) writeFileSync(path.join(dir, file), text);
  return dir;
}

function failure(run: () => unknown): CrsMlError {
  try {
    run();
  } catch (error) {
    return error as CrsMlError;
  }
  throw new Error('expected a failure');
}

const JS_ADAPTER = `'use strict';
const { defineAdapter } = require('crs-ml-server');
exports.LengthAdapter = defineAdapter({
  name: 'length',
  inputKind: 'text',
  output: 'text length',
  score(batch) { return batch.map((text) => text.length); },
});
`;

const TS_ADAPTER = `import type { AdapterContext, AdapterDescription, ModelAdapter, MlRequest } from 'crs-ml-server';
import { ScoringError } from 'crs-ml-server';

export class HourAdapter implements ModelAdapter<number> {
  static readonly adapterName: string = 'hour';
  private offset = 0;
  describe(): AdapterDescription { return { name: HourAdapter.adapterName, inputKind: 'request', output: 'hour + offset' }; }
  load(context: AdapterContext): void { this.offset = Number(context.manifest.options?.offset ?? 0); }
  toInput(request: MlRequest): number { return request.hour; }
  score(batch: readonly number[]): number[] {
    if (batch.some((h) => h < 0)) throw new ScoringError('negative hour');
    return batch.map((hour) => hour + this.offset);
  }
}
`;

describe('loadUserAdapters', () => {
  it('registers a CommonJS adapter that requires the SDK by its package name', async () => {
    const dir = folder('js', { 'length-adapter.js': JS_ADAPTER, 'notes.md': 'not code', 'types.d.ts': 'export {};' });
    const registry = new AdapterRegistry();
    expect(loadUserAdapters(dir, registry, silentLogger)).toEqual(['length']);
    const adapter = new (registry.get('length'))();
    expect(adapter.describe()).toEqual({ name: 'length', inputKind: 'text', output: 'text length' });
    expect(Array.from(await adapter.score(['ab', 'abcd']))).toEqual([2, 4]);
  });

  it('transpiles a TypeScript adapter and serves it through loadModel', async () => {
    const dir = folder('ts', { 'hour-adapter.ts': TS_ADAPTER });
    writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ adapter: 'hour', threshold: 10, anomalyWhen: 'above', adapters: '.', options: { offset: 7 } }));
    const adapters = new AdapterRegistry();
    loadUserAdapters(path.join(dir, 'hour-adapter.ts'), adapters, silentLogger);
    const model = await loadModel({ modelsDir: dir, adapters, extractors: new ExtractorRegistry(), logger: silentLogger });
    expect(await model.judge(request)).toEqual({ score: 10, anomaly: false });
    expect(await model.judge({ ...request, hour: 4 })).toEqual({ score: 11, anomaly: true });
    // The SDK the adapter required is this one: its error classes are ours.
    const error = await model.judge({ ...request, hour: -1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CrsMlError);
    expect(error).toMatchObject({ code: 'SCORING_FAILED' });
  });

  it('stops on a JavaScript syntax error, naming the file and line', () => {
    const dir = folder('bad-js', { 'broken.js': "exports.A = class {\n  static adapterName = 'a'\n  score( {\n}\n" });
    const error = failure(() => loadUserAdapters(dir, new AdapterRegistry(), silentLogger));
    expect(error.code).toBe('ADAPTER_INVALID');
    expect(error.message).toContain(`user adapter ${path.join(dir, 'broken.js')} could not be loaded: ${path.join(dir, 'broken.js')}:`);
    expect(error.message).toMatch(/Unexpected token|Unexpected end of input/);
  });

  it('stops on a TypeScript syntax error, naming the file, line and column', () => {
    const dir = folder('bad-ts', { 'broken.ts': 'export class A {\n  static adapterName = "a";\n  score(batch: number[] {\n}\n' });
    const error = failure(() => loadUserAdapters(dir, new AdapterRegistry(), silentLogger));
    expect(error.code).toBe('ADAPTER_INVALID');
    expect(error.message).toMatch(new RegExp(`user adapter ${path.join(dir, 'broken.ts').replace(/[.]/g, '\\.')}:3:\\d+ has a syntax error: ',' expected`));
  });

  it('stops when a file throws while loading, with the cause', () => {
    const dir = folder('throws', { 'a.js': "throw new Error('missing config file');" });
    const error = failure(() => loadUserAdapters(dir, new AdapterRegistry(), silentLogger));
    expect(error.code).toBe('ADAPTER_INVALID');
    expect(error.message).toBe(`user adapter ${path.join(dir, 'a.js')} could not be loaded: missing config file`);
  });

  it('stops when a class lacks a required method', () => {
    const dir = folder('missing', { 'a.js': "exports.A = class A { static adapterName = 'a'; describe() {} load() {} };" });
    const error = failure(() => loadUserAdapters(dir, new AdapterRegistry(), silentLogger));
    expect(error.code).toBe('ADAPTER_INVALID');
    expect(error.message).toMatch(/user adapter .*a\.js: class A lacks score\(\); an adapter needs describe\(\), load\(context\) and score\(batch\)/);
  });

  it('stops when a file exports no adapter class', () => {
    const dir = folder('none', { 'helper.js': 'exports.twice = (x) => 2 * x;' });
    const error = failure(() => loadUserAdapters(dir, new AdapterRegistry(), silentLogger));
    expect(error.code).toBe('ADAPTER_INVALID');
    expect(error.message).toMatch(/helper\.js exports no adapter class/);
  });

  it('refuses to replace a built-in adapter', () => {
    const dir = folder('dup', { 'random.js': "module.exports = class Mine { static adapterName = 'random'; describe() {} load() {} score() {} };" });
    const error = failure(() => loadUserAdapters(dir, new AdapterRegistry().add(RandomAdapter), silentLogger));
    expect(error.code).toBe('ADAPTER_INVALID');
    expect(error.message).toMatch(/random\.js: adapter "random" is already registered/);
  });

  it('names the adapter file when load() throws', async () => {
    const dir = folder('load-throws', {
      'a.js': "exports.A = class { static adapterName = 'a'; describe() { return { name: 'a', inputKind: 'request', output: 'x' }; } load() { throw new Error('weights.bin not found'); } score(b) { return b.map(() => 0); } };",
      'manifest.json': JSON.stringify({ adapter: 'a', threshold: 0 }),
    });
    const adapters = new AdapterRegistry();
    loadUserAdapters(dir, adapters, silentLogger);
    const error = await loadModel({ modelsDir: dir, adapters, extractors: new ExtractorRegistry(), logger: silentLogger }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'MODEL_LOAD_FAILED' });
    expect((error as Error).message).toBe(`user adapter "a" (${path.join(dir, 'a.js')}) failed in load(): weights.bin not found`);
  });

  it('registers a custom feature extractor shipped beside an adapter, for the manifest to name', async () => {
    const dir = folder('extractor', {
      'pathlen.js': "exports.pathLength = { name: 'path-length-v1', featureNames: ['path_length'], extract: (r) => [r.path.length] };",
      'sum.js': "exports.Sum = class { static adapterName = 'sum'; describe() { return { name: 'sum', inputKind: 'features', output: 'sum' }; } load() {} score(b) { return b.map((row) => row.reduce((a, x) => a + x, 0)); } };",
      'manifest.json': JSON.stringify({ adapter: 'sum', threshold: 5, anomalyWhen: 'above', extractor: 'path-length-v1' }),
    });
    const adapters = new AdapterRegistry();
    const extractors = new ExtractorRegistry();
    expect(loadUserAdapters(dir, adapters, silentLogger, extractors)).toEqual(['path-length-v1', 'sum']);
    const model = await loadModel({ modelsDir: dir, adapters, extractors, logger: silentLogger });
    expect(await model.judge({ ...request, path: '/a/long/path' })).toEqual({ score: 12, anomaly: true });
    expect(await model.judge(request)).toEqual({ score: 1, anomaly: false });
  });

  it('refuses a custom extractor whose name is taken', () => {
    const dir = folder('extractor-dup', { 'x.js': "exports.x = { name: 'taken', featureNames: [], extract: () => [] };" });
    const extractors = new ExtractorRegistry().add({ name: 'taken', featureNames: [], extract: () => [] });
    const error = failure(() => loadUserAdapters(dir, new AdapterRegistry(), silentLogger, extractors));
    expect(error.code).toBe('ADAPTER_INVALID');
    expect(error.message).toMatch(/x\.js: feature extractor "taken" is already registered/);
  });

  it('reports a folder that does not exist', () => {
    const error = failure(() => loadUserAdapters(path.join(root, 'nope'), new AdapterRegistry(), silentLogger));
    expect(error.code).toBe('ADAPTER_INVALID');
    expect(error.message).toContain(`cannot read the user adapters at ${path.join(root, 'nope')}`);
  });
});

describe('crs-ml-server serve with a broken user adapter', () => {
  const cases: Array<[string, string, string, (file: string) => string]> = [
    ['a class without describe() and load()', 'a', "exports.A = class A { static adapterName = 'a'; score() {} };", (file) => `user adapter ${file}: class A lacks describe(), load()`],
    ['a syntax error', 'a', 'exports.A = class A {', (file) => `user adapter ${file} could not be loaded: ${file}:1`],
    [
      'load() throwing',
      'a',
      "exports.A = class A { static adapterName = 'a'; describe() { return { name: 'a', inputKind: 'request', output: 'x' }; } load() { throw new Error('no weights'); } score(b) { return b.map(() => 0); } };",
      (file) => `user adapter "a" (${file}) failed in load(): no weights`,
    ],
  ];
  it.each(cases)('exits with status 1 on %s, naming the file and the cause', async (_title, adapter, source, message) => {
    const models = folder('models', { 'manifest.json': JSON.stringify({ adapter, threshold: 0, adapters: '../adapters' }) });
    const adapters = folder('adapters', { 'bad.js': source });
    let stderr = '';
    const write = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      stderr += String(chunk);
      return true;
    });
    try {
      expect(await main(['serve', '--models', models, '--port', '0', '--log-level', 'error'])).toBe(1);
    } finally {
      write.mockRestore();
    }
    expect(stderr).toContain(message(path.join(adapters, 'bad.js')));
  });
});
